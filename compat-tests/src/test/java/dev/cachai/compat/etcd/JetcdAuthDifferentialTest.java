package dev.cachai.compat.etcd;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Users, roles and permissions through jetcd: every answer and error text as a real etcd gives it. */
class JetcdAuthDifferentialTest {
    private static final long CALL_TIMEOUT_SECONDS = 5;

    @Test
    void authEnabledBehavesAsOnEtcd() throws Exception {
        List<String> expected;
        try (Targets.Target etcd = Targets.realEtcd()) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            expected = run(etcd.endpoint());
        }
        try (Targets.Target cachai = Targets.cachai()) {
            assertThat(run(cachai.endpoint())).containsExactlyElementsOf(expected);
        }
        assertThat(expected).contains("alice put cfg: PERMISSION_DENIED: etcdserver: permission denied");
    }

    private static List<String> run(String endpoint) throws Exception {
        List<String> log = new ArrayList<>();
        try (Client admin = Client.builder().endpoints(endpoint).build()) {
            Auth auth = admin.getAuthClient();
            log.add("role root: " + outcome(auth.roleAdd(bs("root"))));
            log.add("user root: " + outcome(auth.userAdd(bs("root"), bs("rootpw"))));
            log.add("grant root: " + outcome(auth.userGrantRole(bs("root"), bs("root"))));
            log.add("role app: " + outcome(auth.roleAdd(bs("app"))));
            log.add("perm app/: " + outcome(auth.roleGrantPermission(bs("app"), bs("app/"), bs("app0"), Permission.Type.READWRITE)));
            log.add("perm cfg: " + outcome(auth.roleGrantPermission(bs("app"), bs("cfg"), ByteSequence.EMPTY, Permission.Type.READ)));
            log.add("user alice: " + outcome(auth.userAdd(bs("alice"), bs("alicepw"))));
            log.add("grant alice: " + outcome(auth.userGrantRole(bs("alice"), bs("app"))));
            log.add("duplicate user: " + outcome(auth.userAdd(bs("alice"), bs("x"))));
            log.add("missing role: " + outcome(auth.userGrantRole(bs("alice"), bs("nope"))));
            log.add("put cfg: " + outcome(admin.getKVClient().put(bs("cfg"), bs("1"))));
            log.add("enable: " + outcome(auth.authEnable()));
        }
        try (Client alice = user(endpoint, "alice", "alicepw")) {
            KV kv = alice.getKVClient();
            log.add("alice put app/x: " + outcome(kv.put(bs("app/x"), bs("1"))));
            log.add("alice get cfg: " + describe(kv.get(bs("cfg"))));
            log.add("alice put cfg: " + outcome(kv.put(bs("cfg"), bs("2"))));
            log.add("alice get other: " + outcome(kv.get(bs("other"))));
            log.add("alice prefix app/: " + describe(kv.get(bs("app/"), GetOption.builder().isPrefix(true).build())));
            log.add("alice prefix all: " + outcome(kv.get(bs("a"), GetOption.builder().isPrefix(true).build())));
            log.add("alice txn other: " + outcome(kv.txn().If(new Cmp(bs("other"), Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(bs("app/y"), bs("1"), PutOption.DEFAULT)).commit()));
            log.add("alice user list: " + outcome(alice.getAuthClient().userList()));
        }
        try (Client wrong = user(endpoint, "alice", "wrong")) {
            log.add("wrong password: " + outcome(wrong.getKVClient().get(bs("cfg"))));
        }
        try (Client anonymous = Client.builder().endpoints(endpoint).build()) {
            log.add("anonymous: " + outcome(anonymous.getKVClient().get(bs("cfg"))));
        }
        try (Client root = user(endpoint, "root", "rootpw")) {
            Auth auth = root.getAuthClient();
            log.add("users: " + auth.userList().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getUsers());
            log.add("app perms: " + auth.roleGet(bs("app")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getPermissions()
                    .stream().map(p -> p.getPermType() + " " + str(p.getKey()) + ".." + str(p.getRangeEnd())).toList());
            log.add("alice roles: " + auth.userGet(bs("alice")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getRoles());
            log.add("revoke: " + outcome(auth.userRevokeRole(bs("alice"), bs("app"))));
            log.add("delete root role: " + outcome(auth.roleDelete(bs("root"))));
            log.add("disable: " + outcome(auth.authDisable()));
        }
        return log;
    }

    private static Client user(String endpoint, String name, String password) {
        return Client.builder().endpoints(endpoint).user(bs(name)).password(bs(password)).build();
    }

    private static String describe(CompletableFuture<io.etcd.jetcd.kv.GetResponse> f) {
        try {
            var r = f.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return r.getKvs().stream().map(kv -> str(kv.getKey()) + "=" + str(kv.getValue())).toList().toString();
        } catch (Exception e) {
            return error(e);
        }
    }

    private static String outcome(CompletableFuture<?> f) {
        try {
            f.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return "ok";
        } catch (Exception e) {
            return error(e);
        }
    }

    private static String error(Exception e) {
        if (e instanceof ExecutionException) {
            return e.getCause().getMessage();
        }
        return e instanceof TimeoutException ? "timeout" : e.toString();
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String str(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
