package dev.cachai.etcd;

import dev.cachai.engine.NodeHealth;
import dev.cachai.engine.testing.FixedHealth;
import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrantRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseKeepAliveRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseKeepAliveResponse;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import dev.cachai.etcd.proto.health.HealthCheckRequest;
import dev.cachai.etcd.proto.health.HealthCheckResponse;
import dev.cachai.etcd.proto.health.HealthGrpc;
import dev.cachai.etcd.support.LeaderRequirement;
import dev.cachai.etcd.testing.Heard;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.cachai.etcd.KvServiceTest.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** etcd's "hasleader" metadata: calls fail and streams end with "no leader" on a member without one. */
class RequireLeaderTest {
    private final SyncGateway gateway = new SyncGateway();
    private InProcessEtcd etcd;

    @BeforeEach
    void start() throws Exception {
        etcd = new InProcessEtcd(EtcdServerConfig.defaults("127.0.0.1", 0), gateway);
    }

    @AfterEach
    void stop() {
        etcd.close();
    }

    private static Metadata requireLeader() {
        Metadata m = new Metadata();
        m.put(LeaderRequirement.REQUIRE_LEADER, "true");
        return m;
    }

    private KVGrpc.KVBlockingStub kv(boolean requireLeader) {
        KVGrpc.KVBlockingStub stub = KVGrpc.newBlockingStub(etcd.channel);
        return requireLeader ? stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(requireLeader())) : stub;
    }

    private Heard<WatchResponse> watch(boolean requireLeader) {
        WatchGrpc.WatchStub stub = WatchGrpc.newStub(etcd.channel);
        if (requireLeader) {
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(requireLeader()));
        }
        Heard<WatchResponse> heard = new Heard<>();
        stub.watch(heard).onNext(WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder().setKey(b("k"))).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.responses.isEmpty());
        return heard;
    }

    private static PutRequest put() {
        return PutRequest.newBuilder().setKey(b("k")).setValue(b("v")).build();
    }

    private void checkAsOftenAsEtcdWaits() {
        for (int i = 0; i < 3; i++) {
            etcd.etcd.leaderRequirement().check();
        }
    }

    @Test
    void callsAskingForALeaderFailWhileThereIsNone() {
        assertThat(kv(true).put(put()).getHeader().getRevision()).isEqualTo(2);
        gateway.health(FixedHealth.NO_LEADER);
        assertThatThrownBy(() -> kv(true).put(put()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: no leader");
                });
        assertThat(kv(false).put(put()).getHeader().getRevision()).as("without the metadata").isEqualTo(3);
    }

    /** As in etcd, whose interceptor checks the metadata before any service: gRPC's health service too. */
    @Test
    void healthChecksAskingForALeaderFailWhileThereIsNone() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(etcd.channel);
        gateway.health(FixedHealth.NO_LEADER);
        assertThatThrownBy(() -> health.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(requireLeader()))
                .check(HealthCheckRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: no leader"));
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .as("without the metadata").isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void streamsAskingForALeaderEndAfterThreeChecksWithoutOne() {
        Heard<WatchResponse> required = watch(true);
        Heard<WatchResponse> plain = watch(false);
        Heard<LeaseKeepAliveResponse> keepAlive = new Heard<>();
        long lease = LeaseGrpc.newBlockingStub(etcd.channel)
                .leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
        LeaseGrpc.newStub(etcd.channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(requireLeader()))
                .leaseKeepAlive(keepAlive).onNext(LeaseKeepAliveRequest.newBuilder().setID(lease).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !keepAlive.responses.isEmpty());

        gateway.health(FixedHealth.NO_LEADER);
        etcd.etcd.leaderRequirement().check();
        assertThat(required.ended.get()).as("one check without a leader is not enough").isNull();
        gateway.health(NodeHealth.STANDALONE);
        etcd.etcd.leaderRequirement().check();
        gateway.health(FixedHealth.NO_LEADER);
        checkAsOftenAsEtcdWaits();

        for (Heard<?> ended : List.of(required, keepAlive)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ended.ended.get() != null);
            assertThat(ended.ended.get().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(ended.ended.get().getDescription()).isEqualTo("etcdserver: no leader");
        }
        assertThat(etcd.etcd.leaderRequirement().streamsOpen()).isZero();
        kv(false).put(put());
        await().atMost(Duration.ofSeconds(10)).until(() -> plain.responses.size() > 1);
        assertThat(plain.ended.get()).as("a watch that did not ask stays").isNull();
    }
}
