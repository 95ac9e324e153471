package dev.cachai.compat.patroni;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cachai.compat.TempDirs;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real Patroni (Debian's 3.0.2) keeping a two-member PostgreSQL cluster on Cachai, once through
 * its etcd3 module (etcd's HTTP/JSON gateway: leases, txns, watches) and once through its
 * ZooKeeper module (kazoo: ephemeral nodes, sessions): the first member bootstraps and takes the
 * leader key, the second joins as a streaming replica, a switchover hands the key over, and when
 * the leader's machine dies (kill -9 of Patroni and PostgreSQL) its key expires and the other
 * member promotes. The DCS keys are read through both of Cachai's protocols as they go.
 */
class PatroniTest {
    private static final Duration BOOTSTRAP_MAX = Duration.ofSeconds(120);
    private static final Duration CHANGE_MAX = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int ZK_SESSION_MS = 30_000;

    private Path cachaiDir;
    private Path patroniDir;
    private CachaiServer cachai;
    private final List<PatroniNode> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        assertThat(Files.isExecutable(PatroniNode.PATRONI)).as("patroni missing: " + PatroniNode.INSTALL).isTrue();
        assertThat(PatroniNode.postgresBin()).isNotNull();
        cachaiDir = Files.createTempDirectory("cachai-patroni-dcs");
        cachai = CachaiServer.start(ServerConfig.ephemeral(cachaiDir));
        patroniDir = Files.createTempDirectory("patroni");
        if (PatroniNode.asRoot()) {
            // PostgreSQL runs as postgres: its directories are postgres's, the way there open to it.
            Files.setPosixFilePermissions(patroniDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            UserPrincipalLookupService users = patroniDir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(patroniDir, users.lookupPrincipalByName("postgres"));
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(PatroniNode::close);
        if (cachai != null) {
            cachai.close();
        }
        TempDirs.deleteTree(cachaiDir);
        TempDirs.deleteTree(patroniDir);
    }

    @Test
    void throughTheEtcd3Module() throws Exception {
        cluster("batman", PatroniNode.Dcs.ETCD3, cachai.etcdPort());
    }

    @Test
    void throughTheZooKeeperModule() throws Exception {
        cluster("robin", PatroniNode.Dcs.ZOOKEEPER, cachai.zkPort());
    }

    private void cluster(String scope, PatroniNode.Dcs dcs, int dcsPort) throws Exception {
        PatroniNode pg1 = node(scope, "pg1", dcs, dcsPort);
        PatroniNode pg2 = node(scope, "pg2", dcs, dcsPort);
        pg1.start();
        within(BOOTSTRAP_MAX, "pg1 bootstraps and leads", () -> pg1.is("master") && leads(scope, "pg1"));
        assertThat(initialized(scope)).as("the system identifier, set once by the bootstrap")
                .isEqualTo(pg1.status().orElseThrow().get("database_system_identifier").getAsString());

        pg2.start();
        within(BOOTSTRAP_MAX, "pg2 joins as a streaming replica", () -> pg2.is("replica"));
        within(CHANGE_MAX, "both members registered", () -> members(scope).equals(List.of("pg1", "pg2")));

        HttpResponse<String> switchover = pg1.switchoverTo("pg2");
        assertThat(switchover.statusCode()).as(switchover.body()).isEqualTo(200);
        within(CHANGE_MAX, "pg2 leads after the switchover, pg1 follows it",
                () -> pg2.is("master") && pg1.is("replica") && leads(scope, "pg2"));

        pg2.crash();
        within(CHANGE_MAX, "pg1 promotes once pg2's leader key has expired",
                () -> pg1.is("master") && leads(scope, "pg1"));
        within(CHANGE_MAX, "pg2's member key goes with its lease or session", () -> members(scope).equals(List.of("pg1")));
        assertThat(pg1.status().orElseThrow().get("timeline").getAsInt()).as("promoted twice").isEqualTo(3);
    }

    private PatroniNode node(String scope, String name, PatroniNode.Dcs dcs, int dcsPort) throws Exception {
        PatroniNode node = new PatroniNode(patroniDir, scope, name, dcs, dcsPort);
        nodes.add(node);
        if (PatroniNode.asRoot()) {
            UserPrincipalLookupService users = patroniDir.getFileSystem().getUserPrincipalLookupService();
            try (var files = Files.walk(patroniDir.resolve(name))) {
                for (Path p : files.toList()) {
                    Files.setOwner(p, users.lookupPrincipalByName("postgres"));
                }
            }
        }
        return node;
    }

    private void within(Duration max, String what, BooleanSupplier condition) {
        try {
            await(what).atMost(max).pollInterval(POLL).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder(what + " did not happen within " + max);
            for (PatroniNode n : nodes) {
                logs.append("\n--- ").append(n.name).append(": ").append(n.status().map(Object::toString).orElse("no answer"))
                        .append('\n').append(n.logTail());
            }
            throw new AssertionError(logs.toString(), e);
        }
    }

    /**
     * The leader key names {@code member}, read through both protocols. Patroni may report its
     * role a loop before it writes the key, so this is polled.
     */
    private boolean leads(String scope, String member) {
        String key = "/service/" + scope + "/leader";
        try {
            return member.equals(etcdValue(key)) && member.equals(zkValue(key));
        } catch (Exception notYet) {
            return false;
        }
    }

    private String initialized(String scope) throws Exception {
        return etcdValue("/service/" + scope + "/initialize");
    }

    /** The members' names, from ZooKeeper's children of the members node (sorted). */
    private List<String> members(String scope) {
        try (ZooKeeper zk = zk()) {
            List<String> names = new ArrayList<>(zk.getChildren("/service/" + scope + "/members", false));
            names.sort(null);
            return names;
        } catch (Exception e) {
            return List.of();
        }
    }

    private String etcdValue(String key) throws Exception {
        String body = "{\"key\":\"" + b64(key) + "\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + cachai.etcdPort() + "/v3/kv/range"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonArray kvs = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("kvs");
        assertThat(kvs).as(key + " in " + r.body()).isNotNull();
        JsonObject kv = kvs.get(0).getAsJsonObject();
        return new String(Base64.getDecoder().decode(kv.get("value").getAsString()), StandardCharsets.UTF_8);
    }

    private String zkValue(String path) throws Exception {
        try (ZooKeeper zk = zk()) {
            return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
        }
    }

    private ZooKeeper zk() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + cachai.zkPort(), ZK_SESSION_MS, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException("no ZooKeeper session with Cachai");
        }
        return zk;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
