package dev.cachai.etcd.health;

import dev.cachai.etcd.InProcessEtcd;
import dev.cachai.etcd.auth.AuthInterceptor;
import dev.cachai.etcd.proto.etcdserverpb.AuthEnableRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthGrpc;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserGrantRoleRequest;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.health.HealthCheckRequest;
import dev.cachai.etcd.proto.health.HealthCheckResponse;
import dev.cachai.etcd.proto.health.HealthCheckResponse.ServingStatus;
import dev.cachai.etcd.proto.health.HealthGrpc;
import dev.cachai.etcd.testing.Heard;
import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** gRPC's health service on the etcd port, as etcd registers it. */
class HealthServiceTest {
    private InProcessEtcd etcd;
    private HealthGrpc.HealthBlockingStub health;

    @BeforeEach
    void start() throws Exception {
        etcd = new InProcessEtcd();
        health = HealthGrpc.newBlockingStub(etcd.channel);
    }

    @AfterEach
    void stop() {
        etcd.close();
    }

    private static HealthCheckRequest of(String service) {
        return HealthCheckRequest.newBuilder().setService(service).build();
    }

    @Test
    void theWholeServerIsServingAndOtherNamesAreUnknown() {
        assertThat(health.check(of("")).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> health.check(of("etcdserverpb.KV")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).isEqualTo("unknown service");
                });
    }

    @Test
    void aWatchTellsTheStatusAndStaysOpen() {
        Heard<HealthCheckResponse> whole = watch("");
        Heard<HealthCheckResponse> other = watch("nothing");
        await().atMost(Duration.ofSeconds(10)).until(() -> !whole.responses.isEmpty() && !other.responses.isEmpty());
        assertThat(health.check(of("")).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(whole.responses).extracting(HealthCheckResponse::getStatus).containsExactly(ServingStatus.SERVING);
        assertThat(other.responses).extracting(HealthCheckResponse::getStatus).containsExactly(ServingStatus.SERVICE_UNKNOWN);
        assertThat(whole.ended.get()).isNull();
        assertThat(other.ended.get()).isNull();
    }

    /** etcd checks tokens inside its own services: a health check passes with a stale one while a read does not. */
    @Test
    void authDoesNotApplyToHealth() {
        AuthGrpc.AuthBlockingStub auth = AuthGrpc.newBlockingStub(etcd.channel);
        auth.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("pw").build());
        auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
        auth.authEnable(AuthEnableRequest.getDefaultInstance());
        Metadata forged = new Metadata();
        forged.put(AuthInterceptor.TOKEN, "forged.1");

        assertThat(health.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forged)).check(of("")).getStatus())
                .isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> KVGrpc.newBlockingStub(etcd.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forged))
                .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build()))
                .hasMessageContaining("etcdserver: invalid auth token");
    }

    private Heard<HealthCheckResponse> watch(String service) {
        Heard<HealthCheckResponse> heard = new Heard<>();
        HealthGrpc.newStub(etcd.channel).watch(of(service), heard);
        return heard;
    }
}
