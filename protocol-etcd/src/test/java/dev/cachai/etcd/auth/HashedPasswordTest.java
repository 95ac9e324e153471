package dev.cachai.etcd.auth;

import dev.cachai.etcd.InProcessEtcd;
import dev.cachai.etcd.proto.etcdserverpb.AuthEnableRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthGrpc;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserChangePasswordRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserGrantRoleRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthenticateRequest;
import dev.cachai.etcd.proto.authpb.UserAddOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** etcd 3.5's UserChangePassword with {@code hashed_password}: a hash made elsewhere is taken as it is. */
class HashedPasswordTest {
    /** OpenBSD's bcrypt vector ("U*U" at cost 5), as Go's bcrypt, and so etcd, makes it. */
    private static final String GO_MADE_HASH = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";

    private InProcessEtcd etcd;
    private AuthGrpc.AuthBlockingStub auth;

    @BeforeEach
    void start() throws Exception {
        etcd = new InProcessEtcd();
        auth = AuthGrpc.newBlockingStub(etcd.channel);
        auth.userAdd(AuthUserAddRequest.newBuilder().setName("root").setPassword("rootpw").build());
        auth.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser("root").setRole("root").build());
        auth.userAdd(AuthUserAddRequest.newBuilder().setName("alice").setPassword("old").build());
    }

    @AfterEach
    void stop() {
        etcd.close();
    }

    @Test
    void aClientsHashReplacesThePassword() {
        changeWithHash("alice", base64(GO_MADE_HASH));
        auth.authEnable(AuthEnableRequest.getDefaultInstance());

        assertThat(login("alice", "U*U")).isTrue();
        assertThat(login("alice", "old")).isFalse();
    }

    @Test
    void aPasswordGivenWithAHashWins() {
        auth.userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName("alice").setPassword("new")
                .setHashedPassword(base64(GO_MADE_HASH)).build());
        auth.authEnable(AuthEnableRequest.getDefaultInstance());

        assertThat(login("alice", "new")).isTrue();
        assertThat(login("alice", "U*U")).isFalse();
    }

    @Test
    void aHashThatIsNotBase64IsRefusedWithEtcdsStoreError() {
        assertThatThrownBy(() -> changeWithHash("alice", "not base64!"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("auth: authentication failed, password was given for no password user");
                });
        assertThatThrownBy(() -> changeWithHash("nobody", "not base64!"))
                .as("the user is looked up first, as in etcd")
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: user name not found"));
        auth.authEnable(AuthEnableRequest.getDefaultInstance());
        assertThat(login("alice", "old")).as("unchanged").isTrue();
    }

    @Test
    void aUserWithoutPasswordKeepsHavingNone() {
        auth.userAdd(AuthUserAddRequest.newBuilder().setName("svc")
                .setOptions(UserAddOptions.newBuilder().setNoPassword(true)).build());
        changeWithHash("svc", base64(GO_MADE_HASH));
        auth.userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName("svc").setPassword("pw").build());
        auth.authEnable(AuthEnableRequest.getDefaultInstance());

        assertThat(login("svc", "U*U")).isFalse();
        assertThat(login("svc", "pw")).isFalse();
    }

    @Test
    void anOversizedHashIsRefused() {
        String huge = Base64.getEncoder().encodeToString(new byte[Passwords.CLIENT_HASH_BYTES_MAX + 1]);
        assertThatThrownBy(() -> changeWithHash("alice", huge))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    private void changeWithHash(String user, String hashedPassword) {
        auth.userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName(user)
                .setHashedPassword(hashedPassword).build());
    }

    private boolean login(String user, String password) {
        try {
            auth.authenticate(AuthenticateRequest.newBuilder().setName(user).setPassword(password).build());
            return true;
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getDescription())
                    .isEqualTo("etcdserver: authentication failed, invalid user ID or password");
            return false;
        }
    }

    private static String base64(String hash) {
        return Base64.getEncoder().encodeToString(hash.getBytes(StandardCharsets.US_ASCII));
    }
}
