package dev.cachai.etcd.auth;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.AuthCommand;
import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.etcd.support.EtcdException;
import io.grpc.Context;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The order of etcd's isOpPermitted: no user, then an old revision, then permissions; expiry on a simulated clock. */
class AuthGuardTest {
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NO_END = new byte[0];

    private final SyncGateway gateway = new SyncGateway();
    private final AtomicLong clockMs = new AtomicLong(10_000);
    private final AuthGuard guard = new AuthGuard(gateway.engine(), new SimpleTokens(300, clockMs::get), clockMs::get);

    @Test
    void checksInEtcdsOrder() {
        gateway.propose(new AuthCommand.UserAdd("root", "hash", false)).join();
        gateway.propose(new AuthCommand.UserGrantRole("root", "root")).join();
        gateway.propose(new AuthCommand.Enable()).join();
        long revision = gateway.engine().auth().authRevision();

        assertThat(as(null)).isEqualTo(EtcdError.USER_EMPTY);
        assertThat(as(new AuthInfo("root", 0, Long.MAX_VALUE))).isEqualTo(EtcdError.USER_EMPTY);
        assertThat(as(new AuthInfo("root", revision - 1, Long.MAX_VALUE))).isEqualTo(EtcdError.AUTH_OLD_REVISION);
        assertThat(as(new AuthInfo("nobody", revision - 1, Long.MAX_VALUE))).isEqualTo(EtcdError.AUTH_OLD_REVISION);
        assertThat(as(new AuthInfo("nobody", revision, Long.MAX_VALUE))).isEqualTo(EtcdError.PERMISSION_DENIED);
        assertThat(as(new AuthInfo("root", revision, Long.MAX_VALUE))).isNull();
        assertThat(as(new AuthInfo("root", revision + 1, Long.MAX_VALUE))).as("a newer revision passes here").isNull();
        assertThat(as(AuthInfo.current("root"))).isNull();
    }

    @Test
    void aJwtThatExpiresDuringAStreamIsRefusedFromThenOn() {
        gateway.propose(new AuthCommand.UserAdd("root", "hash", false)).join();
        gateway.propose(new AuthCommand.UserGrantRole("root", "root")).join();
        gateway.propose(new AuthCommand.Enable()).join();
        AuthInfo caller = new AuthInfo("root", gateway.engine().auth().authRevision(), 20_000);

        clockMs.set(19_999);
        assertThat(as(caller)).isNull();
        clockMs.set(20_000);
        assertThat(as(caller)).isEqualTo(EtcdError.INVALID_AUTH_TOKEN);
        Context.current().withValue(AuthGuard.CALLER, caller).run(() ->
                assertThatThrownBy(guard::checkAdmin).isInstanceOfSatisfying(EtcdException.class,
                        e -> assertThat(e.error()).isEqualTo(EtcdError.INVALID_AUTH_TOKEN)));
    }

    @Test
    void withAuthOffNothingIsChecked() {
        assertThat(as(null)).isNull();
        guard.checkRevisionUnchanged(new AuthInfo("x", 1, 0));
    }

    /** The error of a read of KEY by {@code caller}, or null when allowed. */
    private EtcdError as(AuthInfo caller) {
        EtcdError[] error = new EtcdError[1];
        Context.current().withValue(AuthGuard.CALLER, caller).run(() -> {
            try {
                guard.checkRead(KEY, NO_END);
            } catch (EtcdException e) {
                error[0] = e.error();
            }
        });
        return error[0];
    }

    /** etcd's UserGet and RoleGet: root, or the user asking about itself or a role it holds. */
    @Test
    void aUserMayGetItselfAndItsRolesButNothingElse() {
        gateway.propose(new AuthCommand.UserAdd("root", "hash", false)).join();
        gateway.propose(new AuthCommand.UserGrantRole("root", "root")).join();
        gateway.propose(new AuthCommand.UserAdd("alice", "hash", false)).join();
        gateway.propose(new AuthCommand.Enable()).join();
        AuthInfo alice = AuthInfo.current("alice");
        Context.current().withValue(AuthGuard.CALLER, alice).run(() -> {
            guard.checkAdminOrOwn("alice"::equals);
            assertThatThrownBy(() -> guard.checkAdminOrOwn("bob"::equals)).isInstanceOfSatisfying(EtcdException.class,
                    e -> assertThat(e.error()).isEqualTo(EtcdError.PERMISSION_DENIED));
        });
        Context.current().withValue(AuthGuard.CALLER, AuthInfo.current("root")).run(() ->
                guard.checkAdminOrOwn(caller -> false));
    }
}
