package dev.cachai.etcd.watch;

import dev.cachai.engine.EngineException;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Event;
import dev.cachai.etcd.auth.AuthGuard;
import dev.cachai.etcd.kv.KvProtos;
import dev.cachai.etcd.proto.etcdserverpb.ResponseHeader;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import dev.cachai.etcd.proto.mvccpb.KeyValue;
import dev.cachai.etcd.support.Errors;
import dev.cachai.etcd.support.EtcdException;
import dev.cachai.etcd.support.Headers;
import dev.cachai.etcd.support.LeaderRequirement;
import dev.cachai.etcd.support.SerialExecutor;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One client Watch stream with many watchers. Everything runs on the stream's serial executor;
 * responses go out only while the transport is ready (gRPC flow control), so a slow client
 * leaves its watchers' cursors behind in the shared history instead of buffering here.
 */
final class WatchStream implements StreamObserver<WatchRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);
    /** Pending created/canceled/progress responses; more means the client floods requests. */
    static final int CONTROL_RESPONSES_QUEUED_MAX = 1024;
    /** Watchers per stream (etcd has no limit; this bounds memory per connection). */
    static final int WATCHERS_MAX = 10_000;
    /** Revisions packed into one event response, so one watcher cannot hog a send turn. */
    static final int CHANGES_PER_RESPONSE_MAX = 100;
    /** Responses sent per executor turn before yielding to other streams. */
    static final int RESPONSES_PER_TURN_MAX = 64;
    /** Batches that matched nothing scanned per turn (a filtered catch-up) before yielding. */
    static final int EMPTY_BATCHES_PER_TURN_MAX = 16;
    static final String PERMISSION_DENIED_REASON = "rpc error: code = PermissionDenied desc = etcdserver: permission denied";
    static final String DUPLICATE_ID_REASON = "mvcc: duplicate watch ID provided on the WatchStream";
    static final String EMPTY_RANGE_REASON = "mvcc: watcher range is empty";

    private final WatchHub hub;
    private final Headers headers;
    private final AuthGuard auth;
    private final int fragmentBytesMax;
    private final ServerCallStreamObserver<WatchResponse> out;
    private final Executor serial;
    /** Where this stream is signalled with the other streams of its event loop; null off a loop. */
    private final LoopSignals<WatchStream> loopSignals;
    private final Context context;
    private final Map<Long, Watcher> watchers = new LinkedHashMap<>();
    private final ArrayDeque<WatchResponse> control = new ArrayDeque<>();
    private long nextWatchId;
    private boolean progressRequested;
    /** The last turn stopped on its budget with work left. */
    private boolean moreWork;
    /** The last event built, for the next watcher of the same change (a fan-out builds it once). */
    private Event builtFrom;
    private boolean builtWithPrevKv;
    private dev.cachai.etcd.proto.mvccpb.Event built;
    private ResponseHeader header;
    private boolean closed;

    WatchStream(WatchHub hub, Headers headers, AuthGuard auth, int fragmentBytesMax,
                ServerCallStreamObserver<WatchResponse> out) {
        this.hub = hub;
        this.headers = headers;
        this.auth = auth;
        this.fragmentBytesMax = fragmentBytesMax;
        this.out = out;
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        this.serial = streamExecutor(loop, hub.sendPool());
        this.loopSignals = loop == null ? null : hub.signalsOf(loop);
        this.context = Context.current();
        out.setOnReadyHandler(this::signal);
        out.setOnCancelHandler(() -> serial.execute(this::close));
        LeaderRequirement.onLeaderLost(() -> serial.execute(this::endWithoutLeader));
        hub.register(this);
    }

    /**
     * Where the stream's work runs, one task at a time: the event loop its call came in on, which
     * is serial already and is where its responses are written, so a revision's events reach the
     * socket with one thread hand-off (apply thread to event loop) instead of two (to a send
     * thread, then to the event loop). A stream opened off an event loop ({@code loop} null:
     * in-process transports) runs on {@code pool}, one task at a time.
     */
    static Executor streamExecutor(EventExecutor loop, Executor pool) {
        if (loop == null) {
            return new SerialExecutor(pool);
        }
        return task -> {
            try {
                loop.execute(() -> runLogged(task));
            } catch (RejectedExecutionException closing) {
                // The transport is shutting down and cancels the stream; the apply thread, which
                // signals streams, must not fail for it.
            }
        };
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("watch stream task failed", e);
        }
    }

    /** The member lost its leader and the client asked for one: it should watch elsewhere. */
    private void endWithoutLeader() {
        if (!closed) {
            close();
            out.onError(Errors.of(EtcdError.NO_LEADER));
        }
    }

    /** New changes or transport readiness: drain on the stream's executor. */
    void signal() {
        if (loopSignals != null) {
            loopSignals.signal(this);
        } else {
            serial.execute(this::drain);
        }
    }

    /**
     * The hub's news of a newly visible revision (apply thread only). A stream on an event loop is
     * queued with its loop's other streams, which the hub then wakes once for all of them; one
     * off a loop is signalled at once. True when that gave a thread work by itself (off a loop).
     */
    boolean queueVisible() {
        if (loopSignals != null) {
            loopSignals.queue(this);
            return false;
        }
        signal();
        return true;
    }

    /** A drain run among other streams' (see {@link LoopSignals}): one failing must not stop theirs. */
    void drainLogged() {
        runLogged(this::drain);
    }

    void progressTick() {
        serial.execute(this::periodicProgress);
    }

    @Override
    public void onNext(WatchRequest request) {
        serial.execute(() -> context.run(() -> handle(request)));
    }

    @Override
    public void onError(Throwable t) {
        serial.execute(this::close);
    }

    @Override
    public void onCompleted() {
        serial.execute(() -> {
            if (!closed) {
                close();
                out.onCompleted();
            }
        });
    }

    private void close() {
        closed = true;
        watchers.clear();
        control.clear();
        builtFrom = null;
        built = null;
        hub.unregister(this);
    }

    private void handle(WatchRequest request) {
        if (closed) {
            return;
        }
        if (request.hasCreateRequest()) {
            create(request.getCreateRequest());
        } else if (request.hasCancelRequest()) {
            cancel(request.getCancelRequest().getWatchId());
        } else if (request.hasProgressRequest()) {
            requestProgress();
        }
        drain();
    }

    /**
     * With every watcher synced the answer joins the created and canceled answers in order, as
     * etcd's; else it waits until they are (etcd 3.5), once for any number of requests meanwhile.
     */
    private void requestProgress() {
        long deliverable = hub.deliverableRevision();
        if (!progressRequested && allSynced(deliverable)) {
            enqueue(response(-1, deliverable).build());
        } else {
            progressRequested = true;
        }
    }

    private void create(WatchCreateRequest c) {
        byte[] key = c.getKey().isEmpty() ? new byte[] {0} : c.getKey().toByteArray();
        byte[] end = rangeEnd(c.getRangeEnd().toByteArray());
        long current = hub.engine().revision();
        try {
            auth.checkRead(key, end == null ? new byte[] {0} : end);
        } catch (EtcdException e) {
            enqueue(response(-1, current).setCreated(true).setCanceled(true)
                    .setCancelReason(cancelReason(e.error())).build());
            return;
        }
        if (end != null && end.length > 0 && java.util.Arrays.compareUnsigned(key, end) >= 0) {
            // etcd refuses a range that holds no key; its refusals carry watch id -1.
            enqueue(response(-1, current).setCreated(true).setCanceled(true)
                    .setCancelReason(EMPTY_RANGE_REASON).build());
            return;
        }
        long id = c.getWatchId() != 0 ? c.getWatchId() : nextFreeId();
        if (watchers.containsKey(id) || watchers.size() >= WATCHERS_MAX) {
            enqueue(response(-1, current).setCreated(true).setCanceled(true)
                    .setCancelReason(DUPLICATE_ID_REASON).build());
            return;
        }
        boolean noPut = c.getFiltersList().contains(WatchCreateRequest.FilterType.NOPUT);
        boolean noDelete = c.getFiltersList().contains(WatchCreateRequest.FilterType.NODELETE);
        long start = c.getStartRevision() > 0 ? c.getStartRevision() : current + 1;
        watchers.put(id, new Watcher(id, key, end, start, c.getPrevKv(), noPut, noDelete, c.getProgressNotify(),
                c.getFragment()));
        enqueue(response(id, current).setCreated(true).build());
    }

    /**
     * etcd names the auth failures a client can act on (authenticate again) and calls every other
     * refusal "permission denied", in the text of a Go gRPC status error.
     */
    static String cancelReason(EtcdError e) {
        if (e != EtcdError.INVALID_AUTH_TOKEN && e != EtcdError.AUTH_OLD_REVISION && e != EtcdError.USER_EMPTY) {
            return PERMISSION_DENIED_REASON;
        }
        StringBuilder code = new StringBuilder();
        for (String word : e.grpcCode().split("_")) {
            code.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return "rpc error: code = " + code + " desc = " + e.message();
    }

    /** etcd: no range_end watches one key; "\0" watches every key >= key. */
    private static byte[] rangeEnd(byte[] end) {
        if (end.length == 1 && end[0] == 0) {
            return null;
        }
        return end;
    }

    private long nextFreeId() {
        while (watchers.containsKey(nextWatchId)) {
            nextWatchId++;
        }
        return nextWatchId++;
    }

    private void cancel(long id) {
        if (watchers.remove(id) != null) {
            enqueue(response(id, hub.engine().revision()).setCanceled(true).build());
        }
    }

    private void enqueue(WatchResponse r) {
        if (control.size() >= CONTROL_RESPONSES_QUEUED_MAX) {
            close();
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription("etcdserver: too many requests").asRuntimeException());
            return;
        }
        control.add(r);
    }

    private WatchResponse.Builder response(long watchId, long revision) {
        if (header == null || header.getRevision() != revision) {
            header = headers.at(revision); // one per revision, shared by its fan-out's responses
        }
        return WatchResponse.newBuilder().setHeader(header).setWatchId(watchId);
    }

    /**
     * Sends while the transport is ready, up to a turn's budget. No look-again is needed for a
     * revision not yet readable: the hub signals every revision once reads see it. A turn walks
     * its watchers once, so fanning a revision out costs one look at each, not one per response.
     */
    private void drain() {
        int sent = 0;
        moreWork = false;
        Pass pass = new Pass(watchers.values().toArray(new Watcher[0]));
        while (!closed && out.isReady() && sent < RESPONSES_PER_TURN_MAX && !moreWork) {
            List<WatchResponse> next = nextResponses(pass);
            if (next.isEmpty()) {
                break;
            }
            for (WatchResponse r : next) {
                out.onNext(r);
                sent++;
            }
        }
        if (closed || !out.isReady()) {
            return; // onReady signals again once the client has read
        }
        if (sent >= RESPONSES_PER_TURN_MAX || moreWork) {
            signal(); // yield to other streams, then go on
        }
    }

    /**
     * The next responses of this turn: a control response, else the next batch of the first
     * watcher of the turn's pass (from its place on) still behind, else a requested progress
     * once every watcher is synced.
     */
    private List<WatchResponse> nextResponses(Pass pass) {
        if (!control.isEmpty()) {
            return List.of(control.poll());
        }
        EventHistory history = hub.history();
        long deliverable = hub.deliverableRevision();
        for (; pass.index < pass.watchers.length; pass.index++) {
            Watcher w = pass.watchers[pass.index];
            // A watcher whose batch matched nothing goes on with the next one, within a budget.
            while (w.nextRevision <= deliverable && watchers.get(w.id) == w) {
                if (pass.emptyBatches >= EMPTY_BATCHES_PER_TURN_MAX) {
                    moreWork = true;
                    return List.of();
                }
                long before = w.nextRevision;
                List<WatchResponse> batch = eventsFor(w, history, deliverable);
                if (!batch.isEmpty()) {
                    return batch;
                }
                pass.emptyBatches++;
                if (w.nextRevision == before) {
                    break;
                }
            }
        }
        if (progressRequested && allSynced(deliverable)) {
            progressRequested = false;
            return List.of(response(-1, deliverable).build());
        }
        return List.of();
    }

    private List<WatchResponse> eventsFor(Watcher w, EventHistory history, long deliverable) {
        long compacted = hub.engine().compactRevision();
        if (w.nextRevision < compacted) {
            return List.of(compactedCancel(w, compacted));
        }
        List<Change> changes = List.of();
        if (w.nextRevision > history.baseRevision()) {
            changes = history.from(w.nextRevision, CHANGES_PER_RESPONSE_MAX);
        }
        // The base only grows: if it is still below the cursor, nothing was trimmed under us.
        if (w.nextRevision <= history.baseRevision()) {
            try {
                changes = catchUp(w);
            } catch (EngineException e) {
                // Only the compaction point itself gets here (below it was handled above): the
                // engine cannot replay it, so point the client at the first revision it can.
                return List.of(compactedCancel(w, hub.engine().compactRevision() + 1));
            }
        }
        List<dev.cachai.etcd.proto.mvccpb.Event> events = new ArrayList<>();
        long lastRevision = w.nextRevision - 1;
        for (Change change : changes) {
            if (change.revision() > deliverable) {
                break;
            }
            for (Event e : change.events()) {
                if (w.matches(e)) {
                    events.add(event(w, e, compacted));
                }
            }
            lastRevision = change.revision();
        }
        w.nextRevision = Math.max(w.nextRevision, lastRevision + 1);
        if (events.isEmpty()) {
            return List.of();
        }
        w.sentSinceProgress = true;
        return fragments(w, events, lastRevision);
    }

    /**
     * Revisions older than the hub's history, rebuilt by the engine one bounded batch per send
     * turn, so a watcher starting far back costs a batch of memory, not the whole backlog.
     */
    private List<Change> catchUp(Watcher w) throws EngineException {
        long visible = hub.engine().revision();
        List<Change> changes = hub.engine().changesSince(w.nextRevision, CHANGES_PER_RESPONSE_MAX);
        if (changes.isEmpty()) {
            // No events up to the visible revision: skip ahead so the history takes over.
            w.nextRevision = Math.max(w.nextRevision, visible + 1);
        }
        return changes;
    }

    private WatchResponse compactedCancel(Watcher w, long compactRevision) {
        watchers.remove(w.id);
        // etcd sets no cancel reason here: clients read the compact revision.
        return response(w.id, hub.engine().revision()).setCanceled(true).setCompactRevision(compactRevision).build();
    }

    /**
     * etcd reads an event's prev_kv at the revision before it when it sends the event, so a
     * watcher replaying history gets none for an event whose previous revision was compacted.
     * Watchers of one key share the event a fan-out built for the first of them.
     */
    private dev.cachai.etcd.proto.mvccpb.Event event(Watcher w, Event e, long compactRevision) {
        boolean withPrevKv = w.prevKv && e.prevKv() != null && e.kv().modRevision() - 1 >= compactRevision;
        if (e != builtFrom || withPrevKv != builtWithPrevKv) {
            built = eventProto(e, withPrevKv);
            builtFrom = e;
            builtWithPrevKv = withPrevKv;
        }
        return built;
    }

    private static dev.cachai.etcd.proto.mvccpb.Event eventProto(Event e, boolean withPrevKv) {
        var b = dev.cachai.etcd.proto.mvccpb.Event.newBuilder()
                .setType(e.type() == Event.Type.PUT ? dev.cachai.etcd.proto.mvccpb.Event.EventType.PUT
                        : dev.cachai.etcd.proto.mvccpb.Event.EventType.DELETE);
        b.setKv(e.type() == Event.Type.PUT ? KvProtos.kv(e.kv())
                : KeyValue.newBuilder().setKey(com.google.protobuf.ByteString.copyFrom(e.kv().key()))
                        .setModRevision(e.kv().modRevision()).build());
        if (withPrevKv) {
            b.setPrevKv(KvProtos.kv(e.prevKv()));
        }
        return b.build();
    }

    /** One response, or several marked fragment when the watcher asked and it exceeds the request limit. */
    private List<WatchResponse> fragments(Watcher w, List<dev.cachai.etcd.proto.mvccpb.Event> events, long revision) {
        WatchResponse whole = response(w.id, revision).addAllEvents(events).build();
        if (!w.fragment || whole.getSerializedSize() <= fragmentBytesMax) {
            return List.of(whole);
        }
        List<WatchResponse> parts = new ArrayList<>();
        WatchResponse.Builder part = response(w.id, revision);
        int bytes = 0;
        for (var e : events) {
            int size = e.getSerializedSize();
            if (part.getEventsCount() > 0 && bytes + size > fragmentBytesMax) {
                parts.add(part.setFragment(true).build());
                part = response(w.id, revision);
                bytes = 0;
            }
            part.addEvents(e);
            bytes += size;
        }
        parts.add(part.build());
        return parts;
    }

    private boolean allSynced(long deliverable) {
        for (Watcher w : watchers.values()) {
            if (w.nextRevision <= deliverable) {
                return false;
            }
        }
        return true;
    }

    /** etcd's periodic progress notification: to synced watchers that asked and were idle. */
    private void periodicProgress() {
        if (closed) {
            return;
        }
        long last = hub.deliverableRevision();
        for (Iterator<Watcher> it = watchers.values().iterator(); it.hasNext(); ) {
            Watcher w = it.next();
            if (w.progressNotify && w.nextRevision > last && !w.sentSinceProgress) {
                enqueue(response(w.id, last).build());
            }
            w.sentSinceProgress = false;
        }
        drain();
    }

    /** One send turn's walk over the stream's watchers: its place, and its batches that matched nothing. */
    private static final class Pass {
        final Watcher[] watchers;
        int index;
        int emptyBatches;

        Pass(Watcher[] watchers) {
            this.watchers = watchers;
        }
    }
}
