package dev.cachai.compat.etcd;

import dev.cachai.etcd.proto.health.HealthCheckRequest;
import dev.cachai.etcd.proto.health.HealthCheckResponse;
import dev.cachai.etcd.proto.health.HealthGrpc;
import dev.cachai.etcd.support.LeaderRequirement;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * gRPC's standard health service, which etcd registers on its client port (load balancers and
 * probes such as grpc_health_probe ask it): the same answers from Cachai as from a real etcd.
 */
class GrpcHealthDifferentialTest {
    private static final int CALL_S = 10;

    @Test
    void healthAnswersAsEtcd() throws Exception {
        assertThat(Targets.sameOnCachaiAsOnEtcd(GrpcHealthDifferentialTest::run))
                .contains("check '': SERVING", "check 'etcdserverpb.KV': NOT_FOUND unknown service",
                        "watch '': [SERVING]");
    }

    private static List<String> run(Targets.Target target) {
        URI uri = URI.create(target.endpoint());
        ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            Metadata requireLeader = new Metadata();
            requireLeader.put(LeaderRequirement.REQUIRE_LEADER, "true");
            List<String> out = new ArrayList<>();
            for (String service : List.of("", "etcdserverpb.KV", "grpc.health.v1.Health")) {
                out.add("check '" + service + "': " + check(health, service));
            }
            out.add("check '' with hasleader: "
                    + check(health.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(requireLeader)), ""));
            for (String service : List.of("", "etcdserverpb.KV")) {
                out.add("watch '" + service + "': " + firstWatched(channel, service));
            }
            return out;
        } finally {
            channel.shutdownNow();
        }
    }

    private static String check(HealthGrpc.HealthBlockingStub health, String service) {
        try {
            return health.withDeadlineAfter(CALL_S, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus().name();
        } catch (RuntimeException e) {
            Status s = Status.fromThrowable(e);
            return s.getCode() + " " + s.getDescription();
        }
    }

    /** What a watch says first; it stays open on both servers, so the answers heard by then are compared. */
    private static String firstWatched(ManagedChannel channel, String service) {
        List<String> heard = new CopyOnWriteArrayList<>();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(service).build(),
                new StreamObserver<>() {
                    @Override public void onNext(HealthCheckResponse r) { heard.add(r.getStatus().name()); }
                    @Override public void onError(Throwable t) { heard.add("error " + Status.fromThrowable(t)); }
                    @Override public void onCompleted() { heard.add("completed"); }
                });
        await().atMost(Duration.ofSeconds(CALL_S)).until(() -> !heard.isEmpty());
        return heard.toString();
    }
}
