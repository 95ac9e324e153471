package dev.cachai.compat.etcd;

import dev.cachai.compat.RandomSequences;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.cachai.etcd.proto.etcdserverpb.Compare;
import dev.cachai.etcd.proto.etcdserverpb.CompactionRequest;
import dev.cachai.etcd.proto.etcdserverpb.DeleteRangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrantRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseRevokeRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseTimeToLiveRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseTimeToLiveResponse;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.RequestOp;
import dev.cachai.etcd.proto.etcdserverpb.TxnRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import dev.cachai.etcd.proto.mvccpb.Event;
import dev.cachai.etcd.proto.mvccpb.KeyValue;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Seeded random KV sequences, the same on Cachai and on a real etcd, through etcd's own gRPC
 * messages: puts (prev_kv, ignore_value), ranges with every option (key ranges and prefixes,
 * limit, sort order and target, keys_only, count_only, serializable, past revisions, revision
 * filters), deletes, txns with compares of every target and result and nested txns,
 * compactions, leases with client-chosen ids (granted, attached, revoked) and requests etcd
 * refuses up front (empty keys, ignore_value with a value, ignore_lease with a lease). Every whole response (headers reduced to their revision; revisions relative to
 * the sequence's start) or error, and every event of a watch over the sequence's keys with
 * prev_kv, must be the same.
 */
class EtcdRandomDifferentialTest extends BothEtcdTargets {
    private static final int OPS_PER_SEQUENCE = 250;
    private static final long CALL_S = 10;
    private static final String[] KEYS = {"a", "b", "c", "d", "e", "a/x", "b/y"};
    private static final Duration EVENTS_WAIT = Duration.ofSeconds(10);
    /** Leases per seed, their ids from here on; long enough never to expire during a sequence. */
    private static final int LEASES = 3;
    private static final long LEASE_ID_BASE = 7_000;
    private static final long GATEWAY_LEASE_ID_BASE = 9_000;
    private static final long LEASE_TTL_S = 3_600;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.cachai.compat.RandomSequences#seeds")
    void randomSequencesAnswerAsEtcd(long seed) throws Exception {
        List<String> expected = new Sequence(etcd, seed, false).run();
        RandomSequences.assertSameTranscript(expected, new Sequence(cachai, seed, false).run(), seed);
    }

    /** The same sequences through the HTTP/JSON gateway: the JSON bodies, statuses and error objects must match. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.cachai.compat.RandomSequences#seeds")
    void randomSequencesThroughTheGatewayAnswerAsEtcd(long seed) throws Exception {
        List<String> expected = new Sequence(etcd, seed, true).run();
        RandomSequences.assertSameTranscript(expected, new Sequence(cachai, seed, true).run(), seed);
    }

    /** One run of a seed's operations on one server, written down as a transcript. */
    private static final class Sequence {
        private final Targets.Target target;
        private final Random random;
        private final String prefix;
        private final List<String> lines = new ArrayList<>();
        private final List<Watching> extra = new ArrayList<>();
        private final long leaseBase;
        private final Gateway gateway;
        private long baseline;
        private long lastRevision;

        /** Through gRPC when {@code viaGateway} is false, else through etcd's HTTP/JSON gateway. */
        Sequence(Targets.Target target, long seed, boolean viaGateway) {
            this.target = target;
            this.random = new Random(seed);
            this.prefix = (viaGateway ? "/gw" : "/rnd") + seed + "/";
            this.leaseBase = (viaGateway ? GATEWAY_LEASE_ID_BASE : LEASE_ID_BASE) + seed * LEASES;
            this.gateway = viaGateway ? new Gateway(target.endpoint(), this) : null;
        }

        List<String> run() throws Exception {
            URI uri = URI.create(target.endpoint());
            ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                baseline = kv.withDeadlineAfter(CALL_S, TimeUnit.SECONDS)
                        .put(PutRequest.newBuilder().setKey(key("start")).build()).getHeader().getRevision();
                lastRevision = baseline;
                Watching all = watchSequenceKeys(channel);
                // Taken before the first write, the watch starts at the current revision + 1 and
                // etcd counts it as synced; taken later, it would be caught up by etcd's 100 ms
                // loop, and a compaction in between would cancel it there (compactionCap).
                await(target.name() + " answering the sequence's watch").atMost(EVENTS_WAIT).until(() -> !all.heard.isEmpty());
                LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(channel);
                for (int i = 0; i < OPS_PER_SEQUENCE; i++) {
                    if (random.nextInt(40) == 0) {
                        Watching w = new Watching(randomWatch());
                        lines.add(i + " watch " + brief(w.request) + " -> #" + extra.size());
                        extra.add(w);
                        w.open(channel);
                        // "From now" is when the server took the watch: the next write waits for it.
                        await(target.name() + " answering watch #" + (extra.size() - 1) + " " + brief(w.request))
                                .atMost(EVENTS_WAIT).until(() -> !w.heard.isEmpty());
                        continue;
                    }
                    step(i, kv.withDeadlineAfter(CALL_S, TimeUnit.SECONDS), lease.withDeadlineAfter(CALL_S, TimeUnit.SECONDS));
                }
                awaitExtraWatches(kv, extra);
                await(target.name() + " delivering revision +" + (lastRevision - baseline) + " to the sequence's watch")
                        .atMost(EVENTS_WAIT).until(() -> all.newestRevision >= lastRevision);
                lines.addAll(all.heard);
                for (int i = 0; i < extra.size(); i++) {
                    for (String heard : extra.get(i).heard) {
                        lines.add("#" + i + " " + heard);
                    }
                }
                for (Watching w : extra) {
                    w.stream.onCompleted();
                }
                all.stream.onCompleted();
                return lines;
            } finally {
                channel.shutdownNow();
            }
        }

        private void step(int i, KVGrpc.KVBlockingStub kv, LeaseGrpc.LeaseBlockingStub lease) {
            int kind = random.nextInt(100);
            String label = i + " ";
            if (kind < 4) {
                LeaseGrantRequest grant = LeaseGrantRequest.newBuilder().setID(anyLease()).setTTL(LEASE_TTL_S).build();
                attempt(label + "lease grant " + brief(grant), "/v3/lease/grant", grant, () -> lease.leaseGrant(grant));
                return;
            } else if (kind < 6) {
                LeaseRevokeRequest revoke = LeaseRevokeRequest.newBuilder().setID(anyLease()).build();
                attempt(label + "lease revoke " + brief(revoke), "/v3/lease/revoke", revoke, () -> lease.leaseRevoke(revoke));
                return;
            } else if (kind < 7) {
                LeaseTimeToLiveRequest ttl = LeaseTimeToLiveRequest.newBuilder().setID(anyLease()).setKeys(true).build();
                // The remaining TTL depends on when each server was asked, and etcd lists the keys
                // from a Go map, in no order: everything else is compared, the keys sorted.
                attempt(label + "lease ttl " + brief(ttl), "/v3/lease/timetolive", ttl, () -> {
                    LeaseTimeToLiveResponse r = lease.leaseTimeToLive(ttl);
                    return r.toBuilder().setTTL(0).clearKeys().addAllKeys(r.getKeysList().stream()
                            .sorted(ByteString.unsignedLexicographicalComparator()).toList()).build();
                });
                return;
            }
            if (kind < 30) {
                PutRequest put = put();
                attempt(label + "put " + brief(put), "/v3/kv/put", put, () -> kv.put(put));
            } else if (kind < 58) {
                RangeRequest range = range();
                attempt(label + "range " + brief(range), "/v3/kv/range", range, () -> kv.range(range));
            } else if (kind < 68) {
                DeleteRangeRequest delete = delete();
                attempt(label + "delete " + brief(delete), "/v3/kv/deleterange", delete, () -> kv.deleteRange(delete));
            } else if (kind < 97) {
                TxnRequest txn = txn(random.nextInt(6) == 0 ? 1 : 0);
                attempt(label + "txn " + brief(txn), "/v3/kv/txn", txn, () -> kv.txn(txn));
            } else {
                long at = Math.min(baseline + random.nextInt((int) (lastRevision - baseline) + 3) - 1, compactionCap());
                CompactionRequest compact = CompactionRequest.newBuilder().setRevision(at).build();
                attempt(label + "compact +" + (at - baseline), "/v3/kv/compaction", compact, () -> kv.compact(compact));
            }
        }

        /**
         * etcd syncs a watch that starts in the past on a 100 ms loop and cancels it if a
         * compaction passed its start revision by then; Cachai catches it up at once. That race
         * is etcd's timing, not a behaviour to compare: compactions stay at or below the start of
         * every watch opened in the past.
         */
        private long compactionCap() {
            long cap = Long.MAX_VALUE;
            for (Watching w : extra) {
                if (w.request.getStartRevision() > 0) {
                    cap = Math.min(cap, w.request.getStartRevision());
                }
            }
            return cap;
        }

        private PutRequest put() {
            PutRequest.Builder b = PutRequest.newBuilder().setKey(maybeEmpty(key(anyKey()))).setPrevKv(random.nextBoolean());
            int shape = random.nextInt(40);
            if (shape < 4) {
                b.setIgnoreValue(true);
            } else if (shape < 6) {
                b.setIgnoreLease(true);
            } else if (shape == 6) {
                b.setIgnoreValue(true).setValue(value()); // refused: a value with ignore_value
            } else if (shape == 7) {
                b.setIgnoreLease(true).setLease(anyLease()); // refused: a lease with ignore_lease
            } else {
                b.setValue(value());
            }
            if (shape >= 8 && random.nextInt(5) == 0) {
                b.setLease(anyLease());
            }
            return b.build();
        }

        /** One of a few lease ids this seed grants and revokes (given by the client, so the same on both servers). */
        private long anyLease() {
            return leaseBase + random.nextInt(LEASES);
        }

        /** Now and then an empty key, which etcd refuses before anything else. */
        private ByteString maybeEmpty(ByteString key) {
            return random.nextInt(60) == 0 ? ByteString.EMPTY : key;
        }

        private RangeRequest range() {
            RangeRequest.Builder b = RangeRequest.newBuilder();
            keyRange(b::setKey, b::setRangeEnd);
            if (random.nextInt(3) == 0) {
                b.setLimit(random.nextInt(4));
            }
            if (random.nextInt(3) == 0) {
                b.setSortOrder(RangeRequest.SortOrder.forNumber(random.nextInt(3)));
                b.setSortTarget(RangeRequest.SortTarget.forNumber(random.nextInt(5)));
            }
            b.setSerializable(random.nextBoolean());
            b.setKeysOnly(random.nextInt(5) == 0);
            b.setCountOnly(random.nextInt(6) == 0);
            if (random.nextInt(4) == 0) {
                // Past, current and future revisions, compacted ones too.
                b.setRevision(baseline + random.nextInt((int) (lastRevision - baseline) + 3));
            }
            if (random.nextInt(6) == 0) {
                b.setMinModRevision(relativeFilter());
                b.setMaxModRevision(relativeFilter());
            }
            if (random.nextInt(6) == 0) {
                b.setMinCreateRevision(relativeFilter());
                b.setMaxCreateRevision(relativeFilter());
            }
            return b.build();
        }

        private long relativeFilter() {
            return random.nextBoolean() ? 0 : baseline + random.nextInt((int) (lastRevision - baseline) + 2);
        }

        private DeleteRangeRequest delete() {
            DeleteRangeRequest.Builder b = DeleteRangeRequest.newBuilder().setPrevKv(random.nextBoolean());
            keyRange(b::setKey, b::setRangeEnd);
            return b.build();
        }

        private TxnRequest txn(int depth) {
            TxnRequest.Builder b = TxnRequest.newBuilder();
            int compares = random.nextInt(3);
            for (int i = 0; i < compares; i++) {
                b.addCompare(compare());
            }
            int success = random.nextInt(3);
            for (int i = 0; i < success; i++) {
                b.addSuccess(requestOp(depth));
            }
            int failure = random.nextInt(3);
            for (int i = 0; i < failure; i++) {
                b.addFailure(requestOp(depth));
            }
            return b.build();
        }

        private Compare compare() {
            Compare.Builder c = Compare.newBuilder().setKey(maybeEmpty(key(anyKey())))
                    .setResult(Compare.CompareResult.forNumber(random.nextInt(4)));
            if (random.nextInt(5) == 0) {
                c.setRangeEnd(key("z"));
            }
            switch (random.nextInt(4)) {
                case 0 -> c.setTarget(Compare.CompareTarget.VERSION).setVersion(random.nextInt(4));
                case 1 -> c.setTarget(Compare.CompareTarget.CREATE)
                        .setCreateRevision(random.nextBoolean() ? 0 : baseline + random.nextInt((int) (lastRevision - baseline) + 2));
                case 2 -> c.setTarget(Compare.CompareTarget.MOD)
                        .setModRevision(random.nextBoolean() ? 0 : baseline + random.nextInt((int) (lastRevision - baseline) + 2));
                default -> c.setTarget(Compare.CompareTarget.VALUE).setValue(value());
            }
            return c.build();
        }

        private RequestOp requestOp(int depth) {
            if (random.nextInt(80) == 0) {
                return RequestOp.getDefaultInstance(); // no request at all
            }
            int kind = random.nextInt(depth > 0 ? 4 : 3);
            return switch (kind) {
                case 0 -> RequestOp.newBuilder().setRequestPut(put()).build();
                case 1 -> RequestOp.newBuilder().setRequestRange(range()).build();
                case 2 -> RequestOp.newBuilder().setRequestDeleteRange(delete()).build();
                default -> RequestOp.newBuilder().setRequestTxn(txn(depth - 1)).build();
            };
        }

        /** A single key, a [from, to) range of the sequence's keys (empty or reversed too), or the whole prefix. */
        private void keyRange(java.util.function.Consumer<ByteString> setKey, java.util.function.Consumer<ByteString> setEnd) {
            int shape = random.nextInt(4);
            if (shape <= 1) {
                setKey.accept(maybeEmpty(key(anyKey())));
            } else if (shape == 2) {
                setKey.accept(key(anyKey()));
                setEnd.accept(key(anyKey()));
            } else {
                setKey.accept(key(""));
                setEnd.accept(key("\u007f"));
            }
        }

        private String anyKey() {
            return KEYS[random.nextInt(KEYS.length)];
        }

        private ByteString key(String name) {
            return ByteString.copyFromUtf8(prefix + name);
        }

        private ByteString value() {
            return ByteString.copyFromUtf8("v" + random.nextInt(6));
        }

        /**
         * One request, by gRPC or, for a sequence through the gateway, as the JSON an HTTP client
         * (Patroni) posts to {@code path}; either way what came back is written down.
         */
        private void attempt(String label, String path, Message request, Supplier<Message> call) {
            if (gateway != null) {
                lines.add(label + " -> " + gateway.post(path, request));
                return;
            }
            lines.add(label + " -> " + EtcdAnswers.text(call, baseline, rev -> lastRevision = Math.max(lastRevision, rev)));
        }

        /** The request as text, its revisions relative to the sequence's start like the answers'. */
        private String brief(Message request) {
            Message.Builder b = request.toBuilder();
            EtcdAnswers.walk(b, m -> {
                for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
                    if (f.getJavaType() == FieldDescriptor.JavaType.LONG && f.getName().endsWith("revision")
                            && !f.isRepeated() && m.hasField(f)) {
                        m.setField(f, EtcdAnswers.relative((long) m.getField(f), baseline));
                    }
                }
                return false;
            });
            return TextFormat.shortDebugString(b.build());
        }

        // ------------------------------------------------------------ watches

        /**
         * One watch on a stream of its own; what it hears is written after the operations, in
         * the order it came: its created and cancelled answers and its events, revisions relative.
         */
        private final class Watching implements StreamObserver<WatchResponse> {
            final WatchCreateRequest request;
            final List<String> heard = new CopyOnWriteArrayList<>();
            volatile long newestRevision;
            volatile boolean cancelled;
            StreamObserver<WatchRequest> stream;

            Watching(WatchCreateRequest request) {
                this.request = request;
            }

            void open(ManagedChannel channel) {
                stream = WatchGrpc.newStub(channel).watch(this);
                stream.onNext(WatchRequest.newBuilder().setCreateRequest(request).build());
            }

            @Override
            public void onNext(WatchResponse r) {
                if (r.getCreated() || r.getCanceled() || r.getCompactRevision() != 0) {
                    heard.add("watch answer id=" + r.getWatchId() + " created=" + r.getCreated() + " canceled=" + r.getCanceled()
                            + " compact+" + EtcdAnswers.relative(r.getCompactRevision(), baseline)
                            + " reason=" + r.getCancelReason());
                    cancelled |= r.getCanceled();
                }
                for (Event e : r.getEventsList()) {
                    KeyValue kv = e.getKv();
                    String prev = e.hasPrevKv() ? " prev " + e.getPrevKv().getValue().toStringUtf8()
                            + " v" + e.getPrevKv().getVersion() : "";
                    heard.add("event " + e.getType() + " " + kv.getKey().toStringUtf8().substring(prefix.length())
                            + " " + kv.getValue().toStringUtf8() + " c+" + EtcdAnswers.relative(kv.getCreateRevision(), baseline)
                            + " m+" + EtcdAnswers.relative(kv.getModRevision(), baseline) + " v" + kv.getVersion() + prev);
                    newestRevision = Math.max(newestRevision, kv.getModRevision());
                }
            }

            @Override
            public void onError(Throwable t) {
                heard.add("watch error: " + t);
                cancelled = true;
            }

            @Override
            public void onCompleted() {
                // Streams end when the sequence is over.
            }

            /** A key this watch covers, or null when its range is empty. */
            ByteString keyInside() {
                if (request.getRangeEnd().isEmpty()) {
                    return request.getKey();
                }
                return ByteString.unsignedLexicographicalComparator().compare(request.getKey(), request.getRangeEnd()) < 0
                        ? request.getKey() : null;
            }

            boolean filters(WatchCreateRequest.FilterType type) {
                return request.getFiltersList().contains(type);
            }
        }

        /** The watch over every key of the sequence from its first revision, with prev_kv. */
        private Watching watchSequenceKeys(ManagedChannel channel) {
            Watching all = new Watching(WatchCreateRequest.newBuilder().setKey(key("")).setRangeEnd(key("\u007f"))
                    .setStartRevision(baseline + 1).setPrevKv(true).build());
            all.open(channel);
            return all;
        }

        /**
         * A watch opened mid-sequence: one key, a range or the prefix; from now, from a past
         * (perhaps compacted) revision or a future one; with prev_kv and the put/delete filters
         * at random.
         */
        private WatchCreateRequest randomWatch() {
            WatchCreateRequest.Builder b = WatchCreateRequest.newBuilder();
            keyRange(b::setKey, b::setRangeEnd);
            int start = random.nextInt(4);
            if (start == 1) {
                b.setStartRevision(baseline + random.nextInt((int) (lastRevision - baseline) + 1));
            } else if (start == 2) {
                b.setStartRevision(lastRevision + 1 + random.nextInt(2));
            }
            b.setPrevKv(random.nextBoolean());
            if (random.nextInt(4) == 0) {
                b.addFilters(WatchCreateRequest.FilterType.NOPUT);
            }
            if (random.nextInt(4) == 0) {
                b.addFilters(WatchCreateRequest.FilterType.NODELETE);
            }
            return b.build();
        }

        /**
         * Once the operations are done, a write every extra watch must hear (a put, or a put and a
         * delete under NOPUT), repeated until it is at or past the watch's start: when the watch
         * has heard it, it has heard everything before it.
         */
        private void awaitExtraWatches(KVGrpc.KVBlockingStub kv, List<Watching> extra) {
            for (Watching w : extra) {
                ByteString inside = w.keyInside();
                if (w.cancelled || inside == null || inside.isEmpty()
                        || w.filters(WatchCreateRequest.FilterType.NOPUT) && w.filters(WatchCreateRequest.FilterType.NODELETE)) {
                    continue;
                }
                long heardAt;
                do {
                    heardAt = kv.withDeadlineAfter(CALL_S, TimeUnit.SECONDS).put(PutRequest.newBuilder().setKey(inside)
                            .setValue(ByteString.copyFromUtf8("sentinel")).build()).getHeader().getRevision();
                    if (w.filters(WatchCreateRequest.FilterType.NOPUT)) {
                        heardAt = kv.withDeadlineAfter(CALL_S, TimeUnit.SECONDS).deleteRange(DeleteRangeRequest.newBuilder()
                                .setKey(inside).build()).getHeader().getRevision();
                    }
                } while (heardAt < w.request.getStartRevision());
                lastRevision = Math.max(lastRevision, heardAt);
                long target = heardAt;
                await(this.target.name() + " delivering revision +" + (target - baseline) + " to " + brief(w.request))
                        .atMost(EVENTS_WAIT).until(() -> w.newestRevision >= target || w.cancelled);
            }
        }
    }

    /**
     * Posts requests as JSON the way Patroni does (proto field names, int64 as strings, enums by
     * name) and writes down the HTTP status and body: keys sorted, the top header reduced to its
     * revision, every revision relative to the sequence's start with its JSON type kept, a
     * lease's remaining TTL left out and its keys sorted (etcd lists them in no order).
     */
    private static final class Gateway {
        private static final Duration TIMEOUT = Duration.ofSeconds(10);
        private static final int PRECONDITION_FAILED = 412;
        private static final int BAD_REQUEST = 400;
        private static final java.util.Set<String> REVISIONS = java.util.Set.of(
                "revision", "create_revision", "mod_revision", "compact_revision");
        private final HttpClient http = HttpClient.newHttpClient();
        private final String base;
        private final Sequence sequence;

        Gateway(String base, Sequence sequence) {
            this.base = base;
            this.sequence = sequence;
        }

        String post(String path, Message request) {
            try {
                String body = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace().print(request);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonElement json = JsonParser.parseString(r.body());
                if (json.isJsonObject() && json.getAsJsonObject().has("header")) {
                    JsonObject header = json.getAsJsonObject().getAsJsonObject("header");
                    JsonElement revision = header.get("revision");
                    if (revision != null) {
                        sequence.lastRevision = Math.max(sequence.lastRevision, revision.getAsLong());
                    }
                    header.keySet().removeIf(k -> !k.equals("revision"));
                }
                if (path.endsWith("timetolive") && json.isJsonObject()) {
                    JsonObject ttl = json.getAsJsonObject();
                    ttl.remove("TTL");
                    if (ttl.has("keys")) {
                        List<JsonElement> keys = new ArrayList<>();
                        ttl.getAsJsonArray("keys").forEach(keys::add);
                        keys.sort(java.util.Comparator.comparing(JsonElement::getAsString));
                        com.google.gson.JsonArray sorted = new com.google.gson.JsonArray();
                        keys.forEach(sorted::add);
                        ttl.add("keys", sorted);
                    }
                }
                if (json.isJsonObject() && json.getAsJsonObject().has("error")) {
                    return status(r.statusCode()) + " " + r.body().strip(); // as sent: clients may match its text
                }
                return status(r.statusCode()) + " " + canonical(json);
            } catch (java.io.IOException | InterruptedException e) {
                return e.getClass().getSimpleName();
            }
        }

        /**
         * etcd 3.4's gateway (grpc-gateway 1.9) answers FAILED_PRECONDITION with 412, etcd 3.5's
         * (grpc-gateway 1.16) with 400, which Cachai follows: the two are written alike.
         */
        private static int status(int code) {
            return code == PRECONDITION_FAILED ? BAD_REQUEST : code;
        }

        private String canonical(JsonElement e) {
            if (e.isJsonObject()) {
                StringBuilder out = new StringBuilder("{");
                java.util.TreeMap<String, JsonElement> sorted = new java.util.TreeMap<>();
                e.getAsJsonObject().entrySet().forEach(en -> sorted.put(en.getKey(), en.getValue()));
                sorted.forEach((k, v) -> {
                    out.append(out.length() > 1 ? "," : "").append(k).append(':');
                    out.append(REVISIONS.contains(k) && v.isJsonPrimitive() ? relative(v.getAsJsonPrimitive()) : canonical(v));
                });
                return out.append('}').toString();
            }
            if (e.isJsonArray()) {
                List<String> items = new ArrayList<>();
                e.getAsJsonArray().forEach(item -> items.add(canonical(item)));
                return items.toString();
            }
            return e.toString();
        }

        private String relative(JsonPrimitive p) {
            long rel = EtcdAnswers.relative(p.getAsLong(), sequence.baseline);
            return p.isString() ? "\"+" + rel + "\"" : "+" + rel;
        }
    }
}
