package dev.cachai.migration;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;

import java.util.concurrent.ExecutionException;

import static dev.cachai.migration.EtcdMigrationTest.bs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The users and roles the auth copy tests put in a source, and the checks that they came through. */
final class AuthAs {
    private AuthAs() {}

    /** Role reader (read under /snap/), user alice holding it, and root. */
    static void reader(Auth auth) throws Exception {
        auth.roleAdd(bs("reader")).get();
        auth.roleGrantPermission(bs("reader"), bs("/snap/"), bs("/snap0"), Permission.Type.READ).get();
        auth.userAdd(bs("alice"), bs("alice-pw")).get();
        auth.userGrantRole(bs("alice"), bs("reader")).get();
        auth.userAdd(bs("root"), bs("root-pw")).get();
        auth.userGrantRole(bs("root"), bs("root")).get();
    }

    /** With auth on at {@code hostPort}: alice logs in with her password, reads under /snap/ and may not write. */
    static void checkReader(String hostPort) throws Exception {
        try (Client alice = client(hostPort, "alice", "alice-pw")) {
            assertThat(alice.getKVClient().get(bs("/snap/a")).get().getKvs()).hasSize(1);
            assertThatThrownBy(() -> alice.getKVClient().put(bs("/snap/a"), bs("no")).get())
                    .hasMessageContaining("permission denied");
        }
        assertThat(logsIn(hostPort, "alice", "wrong")).isFalse();
        assertThat(logsIn(hostPort, "root", "root-pw")).isTrue();
    }

    static boolean logsIn(String hostPort, String user, String password) throws Exception {
        try (Client c = client(hostPort, user, password)) {
            c.getKVClient().get(bs("/snap/a")).get();
            return true;
        } catch (ExecutionException e) {
            assertThat(e).hasMessageContaining("UNAUTHENTICATED");
            return false;
        }
    }

    private static Client client(String hostPort, String user, String password) {
        return Client.builder().endpoints("http://" + hostPort).user(bs(user)).password(bs(password)).build();
    }
}
