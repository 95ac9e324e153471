package dev.cachai.etcd.support;

import dev.cachai.engine.EtcdError;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * etcd's "require leader" metadata ({@code hasleader: true}, set by clientv3's WithRequireLeader,
 * which kube-apiserver uses for its watches). A call carrying it fails at once with "etcdserver:
 * no leader" while this member knows no leader; a stream carrying it is ended with that error
 * once the member has been without a leader for {@link #CHECKS_WITHOUT_LEADER_MAX} consecutive
 * checks, so that a client stuck behind a cut-off member reconnects elsewhere. Like etcd, existing
 * streams are given longer than new calls: reconnecting a stream costs more than refusing a call.
 */
public final class LeaderRequirement implements ServerInterceptor {
    public static final Metadata.Key<String> REQUIRE_LEADER =
            Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);
    /** How often {@link #check} should run: etcd's default election timeout. */
    public static final long CHECK_INTERVAL_MS = 1_000;
    static final int CHECKS_WITHOUT_LEADER_MAX = 3;

    private static final Context.Key<Stream> STREAM = Context.key("cachai-require-leader");

    /** A stream that asked for a leader, and how its handler ends it when there is none. */
    private static final class Stream {
        final AtomicReference<Runnable> endWithoutLeader = new AtomicReference<>();

        void end() {
            Runnable r = endWithoutLeader.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }
    }

    private final BooleanSupplier hasLeader;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private int checksWithoutLeader;

    public LeaderRequirement(BooleanSupplier hasLeader) {
        this.hasLeader = hasLeader;
    }

    /**
     * Called by a streaming handler when its stream starts: {@code end} runs (on the checking
     * thread) when the stream must end with "no leader". No-op for streams that did not ask.
     */
    public static void onLeaderLost(Runnable end) {
        Stream s = STREAM.get();
        if (s != null) {
            s.endWithoutLeader.set(end);
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (!"true".equals(headers.get(REQUIRE_LEADER))) {
            return next.startCall(call, headers);
        }
        if (!hasLeader.getAsBoolean()) {
            call.close(Errors.of(EtcdError.NO_LEADER).getStatus(), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        if (call.getMethodDescriptor().getType().serverSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        Stream stream = new Stream();
        streams.add(stream);
        ServerCall.Listener<Q> inner = Contexts.interceptCall(Context.current().withValue(STREAM, stream), call,
                headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(inner) {
            @Override
            public void onComplete() {
                streams.remove(stream);
                super.onComplete();
            }

            @Override
            public void onCancel() {
                streams.remove(stream);
                super.onCancel();
            }
        };
    }

    /** One leader check; run every {@link #CHECK_INTERVAL_MS} from a single thread. */
    public synchronized void check() {
        checksWithoutLeader = hasLeader.getAsBoolean() ? 0 : checksWithoutLeader + 1;
        if (checksWithoutLeader < CHECKS_WITHOUT_LEADER_MAX) {
            return;
        }
        for (Stream s : streams) {
            streams.remove(s);
            s.end();
        }
    }

    /** Streams that asked for a leader and are still open. */
    public int streamsOpen() {
        return streams.size();
    }
}
