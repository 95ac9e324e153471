package dev.cachai.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.etcd.auth.AuthTokenConfig;
import dev.cachai.etcd.auth.jwt.JwtKeys;
import dev.cachai.etcd.auth.jwt.JwtSignMethod;
import dev.cachai.etcd.auth.jwt.JwtTokens;
import dev.cachai.etcd.proto.authpb.Permission;
import dev.cachai.etcd.proto.etcdserverpb.AuthEnableRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthGrpc;
import dev.cachai.etcd.proto.etcdserverpb.AuthRoleAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthRoleGrantPermissionRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserGrantRoleRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserListRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthenticateRequest;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The adapter with --auth-token jwt: two members over one replicated store, one holding the
 * private key and one only the public key, answering as etcd does.
 */
class JwtAuthTest {
    private static final Duration TTL = Duration.ofMinutes(5);

    private KeyPair pair;
    private InProcessEtcd signer;
    private InProcessEtcd verifier;

    @BeforeEach
    void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        pair = g.generateKeyPair();
        SyncGateway gateway = new SyncGateway();
        EtcdServerConfig d = EtcdServerConfig.defaults("127.0.0.1", 0);
        signer = new InProcessEtcd(d.withAuthTokens(new AuthTokenConfig.Jwt(
                JwtKeys.asymmetric(JwtSignMethod.ES256, pair.getPrivate(), pair.getPublic()), TTL)), gateway);
        verifier = new InProcessEtcd(d.withAuthTokens(new AuthTokenConfig.Jwt(
                JwtKeys.asymmetric(JwtSignMethod.ES256, null, pair.getPublic()), TTL)), gateway);
        var auth = AuthGrpc.newBlockingStub(signer.channel);
        auth.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("rootpw").build());
        auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
        auth.userAdd(AuthUserAddRequest.newBuilder().setName("alice").setPassword("alicepw").build());
        auth.roleAdd(AuthRoleAddRequest.newBuilder().setName("app").build());
        auth.roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName("app").setPerm(Permission.newBuilder()
                .setPermType(Permission.Type.READWRITE).setKey(bytes("app/")).setRangeEnd(bytes("app0"))).build());
        auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("alice").setRole("app").build());
        auth.authEnable(AuthEnableRequest.getDefaultInstance());
    }

    @AfterEach
    void stop() {
        signer.close();
        verifier.close();
    }

    @Test
    void aTokenFromOneMemberIsHonouredByAnotherThatCannotIssueAny() {
        String token = authenticate(signer, "alice", "alicepw");
        kv(signer, token).put(PutRequest.newBuilder().setKey(bytes("app/x")).setValue(bytes("1")).build());
        assertThat(kv(verifier, token).range(RangeRequest.newBuilder().setKey(bytes("app/x")).build()).getKvs(0)
                .getValue().toStringUtf8()).isEqualTo("1");

        assertThat(failure(() -> authenticate(verifier, "alice", "alicepw")))
                .isEqualTo("UNKNOWN: auth: token signing attempted with verify-only key");
        assertThat(failure(() -> authenticate(verifier, "alice", "wrong")))
                .isEqualTo("INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password");
        assertThat(failure(() -> kv(verifier, "garbage").range(RangeRequest.newBuilder().setKey(bytes("app/x")).build())))
                .isEqualTo("UNAUTHENTICATED: etcdserver: invalid auth token");
        assertThat(failure(() -> kv(verifier, token).range(RangeRequest.newBuilder().setKey(bytes("other")).build())))
                .isEqualTo("PERMISSION_DENIED: etcdserver: permission denied");
    }

    @Test
    void anAuthChangeMakesEarlierTokensOldForKeysButNotForAdministration() {
        String alice = authenticate(signer, "alice", "alicepw");
        String root = authenticate(signer, "root", "rootpw");
        AuthGrpc.newBlockingStub(signer.channel).withInterceptors(token(root))
                .userAdd(AuthUserAddRequest.newBuilder().setName("bob").setPassword("bobpw").build());

        String old = "INVALID_ARGUMENT: etcdserver: revision of auth store is old";
        assertThat(failure(() -> kv(verifier, alice).put(PutRequest.newBuilder().setKey(bytes("app/y")).build()))).isEqualTo(old);
        assertThat(failure(() -> kv(signer, alice).range(RangeRequest.newBuilder().setKey(bytes("app/y")).build()))).isEqualTo(old);
        assertThat(failure(() -> kv(signer, root).range(RangeRequest.newBuilder().setKey(bytes("app/y")).build()))).isEqualTo(old);
        assertThat(AuthGrpc.newBlockingStub(signer.channel).withInterceptors(token(root))
                .userList(AuthUserListRequest.getDefaultInstance()).getUsersList()).contains("bob");
        assertThat(watchCancelReason(alice)).isEqualTo("rpc error: code = InvalidArgument desc = " + old.substring(18));

        String fresh = authenticate(signer, "alice", "alicepw");
        kv(verifier, fresh).put(PutRequest.newBuilder().setKey(bytes("app/y")).setValue(bytes("2")).build());
        assertThat(watchCancelReason(fresh)).isNull();
    }

    @Test
    void aTokenAheadOfTheStoreWritesButDoesNotRead() {
        long revision = signer.etcd.context().engine().auth().authRevision();
        JwtTokens sameKey = new JwtTokens(JwtKeys.asymmetric(JwtSignMethod.ES256, pair.getPrivate(), null),
                TTL.toMillis(), System::currentTimeMillis);
        String ahead = sameKey.assign("alice", revision + 1);

        kv(signer, ahead).put(PutRequest.newBuilder().setKey(bytes("app/z")).setValue(bytes("1")).build());
        assertThat(failure(() -> kv(signer, ahead).range(RangeRequest.newBuilder().setKey(bytes("app/z")).build())))
                .as("etcd's serialized reads want the store's exact revision")
                .isEqualTo("INVALID_ARGUMENT: etcdserver: revision of auth store is old");
    }

    /** The cancel reason of a watch on app/ created with the token, or null when it was created. */
    private String watchCancelReason(String token) {
        List<WatchResponse> received = new CopyOnWriteArrayList<>();
        var stream = WatchGrpc.newStub(signer.channel).withInterceptors(token(token)).watch(new StreamObserver<>() {
            @Override public void onNext(WatchResponse r) { received.add(r); }
            @Override public void onError(Throwable t) { }
            @Override public void onCompleted() { }
        });
        stream.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(bytes("app/")).setRangeEnd(bytes("app0"))).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
        stream.onCompleted();
        WatchResponse created = received.get(0);
        assertThat(created.getCreated()).isTrue();
        return created.getCanceled() ? created.getCancelReason() : null;
    }

    private static String authenticate(InProcessEtcd node, String user, String password) {
        return AuthGrpc.newBlockingStub(node.channel)
                .authenticate(AuthenticateRequest.newBuilder().setName(user).setPassword(password).build()).getToken();
    }

    private static KVGrpc.KVBlockingStub kv(InProcessEtcd node, String token) {
        return KVGrpc.newBlockingStub(node.channel).withInterceptors(token(token));
    }

    private static io.grpc.ClientInterceptor token(String token) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER), token);
        return MetadataUtils.newAttachHeadersInterceptor(m);
    }

    private static String failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
        throw new AssertionError("the call succeeded");
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
