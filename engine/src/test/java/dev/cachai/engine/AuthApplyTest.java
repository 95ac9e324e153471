package dev.cachai.engine;

import dev.cachai.engine.auth.AuthStore;
import dev.cachai.engine.command.AuthCommand;
import dev.cachai.engine.result.AuthResult;
import dev.cachai.engine.result.Failed;
import dev.cachai.engine.result.Result;
import org.junit.jupiter.api.Test;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class AuthApplyTest {
    private final Engine engine = new Engine();

    private EtcdError error(AuthCommand c) {
        Result r = engine.apply(0, c);
        return r instanceof Failed f ? f.error() : null;
    }

    @Test
    void enableNeedsARootUserWithTheRootRole() {
        assertThat(error(new AuthCommand.Enable())).isEqualTo(EtcdError.ROOT_USER_NOT_EXIST);
        assertThat(error(new AuthCommand.UserAdd("root", "h", false))).isNull();
        assertThat(error(new AuthCommand.Enable())).isEqualTo(EtcdError.ROOT_ROLE_NOT_EXIST);
        assertThat(error(new AuthCommand.UserGrantRole("root", "root"))).isNull();
        long before = engine.auth().authRevision();
        assertThat(engine.apply(0, new AuthCommand.Enable())).isInstanceOf(AuthResult.class);
        assertThat(engine.auth().enabled()).isTrue();
        assertThat(engine.auth().authRevision()).as("etcd keeps the auth revision on enable").isEqualTo(before);
        assertThat(error(new AuthCommand.UserGrantRole("root", "root"))).isNull();
        assertThat(engine.auth().authRevision()).as("granting a role already held changes nothing").isEqualTo(before);
        assertThat(error(new AuthCommand.Disable())).isNull();
        assertThat(engine.auth().authRevision()).as("disabling commits a revision").isEqualTo(before + 1);
        assertThat(error(new AuthCommand.Disable())).isNull();
        assertThat(engine.auth().authRevision()).as("disabling twice does not").isEqualTo(before + 1);
        assertThat(error(new AuthCommand.Enable())).isNull();
        assertThat(error(new AuthCommand.UserDelete("root"))).isEqualTo(EtcdError.INVALID_AUTH_MGMT);
        assertThat(error(new AuthCommand.UserRevokeRole("root", "root"))).isEqualTo(EtcdError.INVALID_AUTH_MGMT);
    }

    @Test
    void usersRolesAndPermissionsWithEtcdErrors() {
        assertThat(error(new AuthCommand.UserAdd("", "h", false))).isEqualTo(EtcdError.USER_EMPTY);
        assertThat(error(new AuthCommand.UserAdd("alice", "h", false))).isNull();
        assertThat(error(new AuthCommand.UserAdd("alice", "h", false))).isEqualTo(EtcdError.USER_ALREADY_EXIST);
        assertThat(error(new AuthCommand.UserGrantRole("alice", "reader"))).isEqualTo(EtcdError.ROLE_NOT_FOUND);
        assertThat(error(new AuthCommand.RoleAdd("reader"))).isNull();
        assertThat(error(new AuthCommand.RoleAdd("reader"))).isEqualTo(EtcdError.ROLE_ALREADY_EXIST);
        assertThat(error(new AuthCommand.RoleGrantPermission("reader", 0, utf8("/app/"), Bytes.prefixEnd(utf8("/app/"))))).isNull();
        assertThat(error(new AuthCommand.UserGrantRole("alice", "reader"))).isNull();
        assertThat(error(new AuthCommand.UserRevokeRole("alice", "writer"))).isEqualTo(EtcdError.ROLE_NOT_GRANTED);
        assertThat(error(new AuthCommand.RoleRevokePermission("reader", utf8("/x"), Bytes.EMPTY)))
                .isEqualTo(EtcdError.PERMISSION_NOT_GRANTED);
        assertThat(error(new AuthCommand.UserDelete("bob"))).isEqualTo(EtcdError.USER_NOT_FOUND);

        engine.apply(0, new AuthCommand.UserAdd("root", "h", false));
        engine.apply(0, new AuthCommand.UserGrantRole("root", "root"));
        engine.apply(0, new AuthCommand.Enable());
        AuthStore auth = engine.auth();
        assertThat(auth.permitted("alice", utf8("/app/x"), Bytes.EMPTY, false)).isTrue();
        assertThat(auth.permitted("alice", utf8("/app/x"), Bytes.EMPTY, true)).isFalse();
        assertThat(auth.permitted("alice", utf8("/app/"), Bytes.prefixEnd(utf8("/app/")), false)).isTrue();
        assertThat(auth.permitted("alice", utf8("/other"), Bytes.EMPTY, false)).isFalse();
        assertThat(auth.permitted("root", utf8("/anything"), Bytes.EMPTY, true)).isTrue();
        assertThat(error(new AuthCommand.RoleDelete("reader"))).isNull();
        assertThat(auth.user("alice").roles()).isEmpty();
    }

    /**
     * etcd updates a granted range only where it finds it first among the permissions whose key
     * is not below it; otherwise it appends and sorts by key, equal keys keeping their order, so
     * a range already held further on is held twice.
     */
    @Test
    void grantedPermissionsKeepEtcdsOrderAndDuplicates() {
        assertThat(error(new AuthCommand.RoleAdd("r"))).isNull();
        byte[] a = Bytes.utf8("a");
        byte[] end = Bytes.utf8("z");
        assertThat(error(new AuthCommand.RoleGrantPermission("r", 0, a, Bytes.EMPTY))).isNull();
        assertThat(error(new AuthCommand.RoleGrantPermission("r", 1, a, end))).isNull();
        assertThat(error(new AuthCommand.RoleGrantPermission("r", 2, a, Bytes.EMPTY))).as("updates the first").isNull();
        assertThat(error(new AuthCommand.RoleGrantPermission("r", 2, a, end))).as("the first is another range").isNull();
        assertThat(engine.auth().role("r").permissions()).extracting(p -> p.type().ordinal() + ":" + new String(p.rangeEnd()))
                .containsExactly("2:", "1:z", "2:z");
    }
}
