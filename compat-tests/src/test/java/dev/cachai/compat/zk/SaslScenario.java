package dev.cachai.compat.zk;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * ZooKeeper Java clients logging in with SASL DIGEST-MD5, each under a JAAS section of the file
 * this JVM was started with (a client's JAAS setting is global to its JVM, so this runs in a JVM
 * of its own). Prints one line per step; {@link ZkSaslDifferentialTest} compares two servers' lines.
 */
public final class SaslScenario {
    private static final int SESSION_MS = 10_000;
    private static final int WAIT_S = 20;
    /** Starts the scenario's own lines, apart from what the client logs meanwhile. */
    static final String MARK = "| ";

    private SaslScenario() {}

    /** Usage: SaslScenario CONNECT [SECTION]: the whole scenario, or one login and a read. */
    public static void main(String[] args) throws Exception {
        String connect = args[0];
        if (args.length > 1) {
            try (ZooKeeper zk = login(connect, args[1])) {
                step(args[1] + " reads /", () -> zk.exists("/", false) != null);
            }
            System.out.println(MARK + "done");
            return;
        }
        byte[] data = "x".getBytes(StandardCharsets.UTF_8);
        try (ZooKeeper bob = login(connect, "Bob"); ZooKeeper alice = login(connect, "Alice");
             ZooKeeper admin = login(connect, "Super"); ZooKeeper anonymous = anonymous(connect)) {
            step("bob creates /sasl for sasl:bob", () -> bob.create("/sasl", data,
                    acl("bob"), CreateMode.PERSISTENT));
            step("bob creates /sasl/mine with the auth scheme", () -> bob.create("/sasl/mine", data,
                    ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
            step("acl of /sasl/mine", () -> bob.getACL("/sasl/mine", null).stream()
                    .map(a -> a.getPerms() + " " + a.getId().getScheme() + ":" + a.getId().getId()).toList());
            step("bob whoAmI", () -> bob.whoAmI().stream().map(i -> i.getAuthScheme() + ":" + i.getUser()).toList());
            step("bob reads", () -> new String(bob.getData("/sasl", false, null), StandardCharsets.UTF_8));
            step("alice reads", () -> alice.getData("/sasl", false, null));
            step("anonymous reads", () -> anonymous.getData("/sasl", false, null));
            step("super reads", () -> new String(admin.getData("/sasl", false, null), StandardCharsets.UTF_8));
            step("super writes", () -> admin.setData("/sasl", data, -1).getVersion());
            step("bob sets a malformed sasl id", () -> bob.setACL("/sasl/mine", acl("a@b@c"), -1));
            step("bob sets a service principal", () -> bob.setACL("/sasl/mine", acl("zk/host@EXAMPLE.COM"), -1)
                    .getAversion());
            step("bob deletes", () -> {
                admin.delete("/sasl/mine", -1);
                bob.delete("/sasl", -1);
                return "deleted";
            });
        }
        try (ZooKeeper mallory = login(connect, "Mallory")) {
            step("mallory reads", () -> mallory.exists("/", false));
        }
        System.out.println(MARK + "done");
    }

    /** All permissions for one SASL user (a list the client may search for null, as it does). */
    private static List<ACL> acl(String user) {
        return Collections.singletonList(new ACL(ZooDefs.Perms.ALL, new Id("sasl", user)));
    }

    private interface Step {
        Object run() throws Exception;
    }

    private static void step(String what, Step step) {
        String outcome;
        try {
            outcome = String.valueOf(step.run());
        } catch (KeeperException e) {
            outcome = "error " + e.code();
        } catch (Exception e) {
            outcome = "failed " + e;
        }
        System.out.println(MARK + what + ": " + outcome);
    }

    /** A client that logs in under JAAS section {@code section}; prints how the login ended. */
    private static ZooKeeper login(String connect, String section) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        CompletableFuture<Watcher.Event.KeeperState> ended = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper(connect, SESSION_MS, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SaslAuthenticated
                    || e.getState() == Watcher.Event.KeeperState.AuthFailed) {
                ended.complete(e.getState());
            }
        }, config);
        System.out.println(MARK + "login " + section + ": " + ended.get(WAIT_S, TimeUnit.SECONDS));
        return zk;
    }

    private static ZooKeeper anonymous(String connect) throws Exception {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ZooKeeper zk = new ZooKeeper(connect, SESSION_MS, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.complete(null);
            }
        }, config);
        connected.get(WAIT_S, TimeUnit.SECONDS);
        return zk;
    }
}
