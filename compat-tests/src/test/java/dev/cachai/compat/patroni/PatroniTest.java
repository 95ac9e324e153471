package dev.cachai.compat.patroni;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cachai.compat.TempDirs;
import dev.cachai.compat.cluster.ProcessCluster;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import org.apache.zookeeper.ZooKeeper;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real Patroni (Debian's 3.0.2) keeping a two-member PostgreSQL cluster on Cachai, through its
 * etcd3 module (etcd's HTTP/JSON gateway: leases, txns, watches) and through its ZooKeeper
 * module (kazoo: sessions, ephemeral nodes). On one Cachai node: the first member bootstraps and
 * takes the leader key, the second joins as a streaming replica, a switchover hands the key over,
 * and when the leader's machine dies (kill -9 of Patroni and PostgreSQL) its key expires and the
 * other member promotes. On three Cachai members: the member Patroni's leader talks to is made
 * Cachai's leader and killed, and Patroni keeps its leader key through another member without
 * a demotion. The DCS keys are read through both of Cachai's protocols as they go.
 */
class PatroniTest {
    private static final Duration BOOTSTRAP_MAX = Duration.ofSeconds(120);
    private static final Duration CHANGE_MAX = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int ZK_SESSION_MS = 30_000;
    private static final int CACHAI_MEMBERS = 3;

    private final List<Path> dirs = new ArrayList<>();
    private final List<PatroniNode> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Path patroniDir;
    /** The Cachai ports the DCS keys are read through. */
    private int etcdPort;
    private int zkPort;
    /** Root's token for those reads once a test turns etcd auth on. */
    private String etcdToken;

    @BeforeEach
    void prepare() throws Exception {
        assertThat(Files.isExecutable(PatroniNode.PATRONI)).as("patroni missing: " + PatroniNode.INSTALL).isTrue();
        assertThat(PatroniNode.postgresBin()).isNotNull();
        patroniDir = tempDir("patroni");
        if (PatroniNode.asRoot()) {
            // PostgreSQL runs as postgres: its directories are postgres's, the way there open to it.
            Files.setPosixFilePermissions(patroniDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            chownToPostgres(patroniDir);
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(PatroniNode::close);
        dirs.forEach(TempDirs::deleteTree);
    }

    /** With etcd auth on: Patroni logs in as a user whose role may read and write its keys only. */
    @Test
    void throughTheEtcd3ModuleWithAuth() throws Exception {
        try (CachaiServer cachai = CachaiServer.start(ServerConfig.ephemeral(tempDir("cachai-patroni-dcs")))) {
            readThrough(cachai.etcdPort(), cachai.zkPort());
            allowOnly("patroni", "patroni-pw", "/service/");
            onOneNode("batman", new PatroniNode.DcsAccess(PatroniNode.Dcs.ETCD3, List.of(etcdPort), "patroni", "patroni-pw"));
            assertThat(nodes.get(0).logTail()).as("it logged in (the log's end is its last loops)")
                    .doesNotContain("authentication failed");
            assertThat(nodes.get(0).log()).contains("Trying to authenticate on Etcd...")
                    .doesNotContain("Etcd authentication is not enabled");
        }
    }

    @Test
    void throughTheZooKeeperModule() throws Exception {
        try (CachaiServer cachai = CachaiServer.start(ServerConfig.ephemeral(tempDir("cachai-patroni-dcs")))) {
            readThrough(cachai.etcdPort(), cachai.zkPort());
            onOneNode("robin", new PatroniNode.DcsAccess(PatroniNode.Dcs.ZOOKEEPER, List.of(zkPort)));
        }
    }

    @Test
    void etcd3ModuleKeepsItsLeaderWhenItsCachaiMemberDies() throws Exception {
        onThreeMembers("joker", PatroniNode.Dcs.ETCD3);
    }

    @Test
    void zooKeeperModuleKeepsItsLeaderWhenItsCachaiMemberDies() throws Exception {
        onThreeMembers("bane", PatroniNode.Dcs.ZOOKEEPER);
    }

    private void onOneNode(String scope, PatroniNode.DcsAccess dcs) throws Exception {
        PatroniNode pg1 = node(scope, "pg1", dcs);
        PatroniNode pg2 = node(scope, "pg2", dcs);
        bootstrap(scope, pg1, pg2);

        switchover(scope, pg1, pg2);

        pg2.crash();
        within(CHANGE_MAX, "pg1 promotes once pg2's leader key has expired",
                () -> pg1.is("master") && leads(scope, "pg1"));
        within(CHANGE_MAX, "pg2's member key goes with its lease or session",
                () -> members(scope).equals(List.of("pg1")));
        assertThat(pg1.status().orElseThrow().get("timeline").getAsInt()).as("promoted twice").isEqualTo(3);
    }

    /**
     * etcd auth on, as an operator sets it up for Patroni: root, and {@code user} with a role
     * that may read and write under {@code prefix} only; the test then reads as root.
     */
    private void allowOnly(String user, String password, String prefix) throws Exception {
        String end = prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
        gateway("/v3/auth/role/add", "{\"name\":\"" + user + "\"}");
        gateway("/v3/auth/role/grant", "{\"name\":\"" + user + "\",\"perm\":{\"permType\":\"READWRITE\",\"key\":\""
                + b64(prefix) + "\",\"range_end\":\"" + b64(end) + "\"}}");
        gateway("/v3/auth/user/add", "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}");
        gateway("/v3/auth/user/grant", "{\"user\":\"" + user + "\",\"role\":\"" + user + "\"}");
        gateway("/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"root-pw\"}");
        gateway("/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
        gateway("/v3/auth/enable", "{}");
        etcdToken = JsonParser.parseString(gateway("/v3/auth/authenticate", "{\"name\":\"root\",\"password\":\"root-pw\"}"))
                .getAsJsonObject().get("token").getAsString();
    }

    private void onThreeMembers(String scope, PatroniNode.Dcs dcs) throws Exception {
        try (ProcessCluster cachai = new ProcessCluster(tempDir("cachai-patroni-cluster"), CACHAI_MEMBERS).startAll()) {
            cachai.awaitAgreedLeader();
            List<Integer> ports = IntStream.range(0, CACHAI_MEMBERS).mapToObj(i -> dcs == PatroniNode.Dcs.ETCD3
                    ? cachai.member(i).etcdPort() : cachai.member(i).zkPort()).toList();
            readThrough(cachai.member(0));
            PatroniNode pg1 = node(scope, "pg1", new PatroniNode.DcsAccess(dcs, ports));
            PatroniNode pg2 = node(scope, "pg2", new PatroniNode.DcsAccess(dcs, ports));
            bootstrap(scope, pg1, pg2);

            int used = memberUsedBy(pg1, ports);
            moveCachaiLeaderTo(cachai, used);
            System.out.printf("PATRONI %s: pg1's Patroni talks to Cachai member m%d, now Cachai's leader; killing it%n",
                    dcs, used);
            readThrough(cachai.member((used + 1) % CACHAI_MEMBERS));
            long killedAtS = System.currentTimeMillis() / 1000;
            cachai.kill(used);
            List<String> rolesSeen = new ArrayList<>();
            within(CHANGE_MAX, "pg1 reaches the DCS through another member, still leading", () -> {
                JsonObject s = pg1.status().orElse(null);
                if (s == null || !s.has("dcs_last_seen")) {
                    return false;
                }
                rolesSeen.add(s.get("role").getAsString());
                return s.get("dcs_last_seen").getAsLong() > killedAtS + 2L * PatroniNode.LOOP_WAIT_S
                        && leads(scope, "pg1");
            });
            assertThat(rolesSeen).as("pg1 was never demoted").containsOnly("master");
            System.out.printf("PATRONI %s: pg1 led throughout (%d looks) and talked to the DCS again, %d s after the kill%n",
                    dcs, rolesSeen.size(), System.currentTimeMillis() / 1000 - killedAtS);

            // Patroni's writes still go through: a switchover on the two remaining members.
            switchover(scope, pg1, pg2);
        }
    }

    /** pg1 bootstraps and leads, pg2 joins as its streaming replica, both registered. */
    private void bootstrap(String scope, PatroniNode pg1, PatroniNode pg2) throws Exception {
        pg1.start();
        within(BOOTSTRAP_MAX, "pg1 bootstraps and leads", () -> pg1.is("master") && leads(scope, "pg1"));
        assertThat(etcdValue("/service/" + scope + "/initialize")).as("the system identifier, set once by the bootstrap")
                .isEqualTo(pg1.status().orElseThrow().get("database_system_identifier").getAsString());
        pg2.start();
        within(BOOTSTRAP_MAX, "pg2 joins as a streaming replica", () -> pg2.is("replica"));
        within(CHANGE_MAX, "both members registered", () -> members(scope).equals(List.of("pg1", "pg2")));
    }

    /** What patronictl switchover does, from {@code from} to {@code to}. */
    private void switchover(String scope, PatroniNode from, PatroniNode to) throws Exception {
        HttpResponse<String> r = from.switchoverTo(to.name);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        within(CHANGE_MAX, to.name + " leads after the switchover, " + from.name + " follows it",
                () -> to.is("master") && from.is("replica") && leads(scope, to.name));
    }

    private PatroniNode node(String scope, String name, PatroniNode.DcsAccess dcs) throws Exception {
        PatroniNode node = new PatroniNode(patroniDir, scope, name, dcs);
        nodes.add(node);
        if (PatroniNode.asRoot()) {
            try (var files = Files.walk(patroniDir.resolve(name))) {
                for (Path p : files.toList()) {
                    chownToPostgres(p);
                }
            }
        }
        return node;
    }

    private static void chownToPostgres(Path p) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, users.lookupPrincipalByName("postgres"));
    }

    private Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        dirs.add(dir);
        return dir;
    }

    private void readThrough(ProcessCluster.Member m) {
        readThrough(m.etcdPort(), m.zkPort());
    }

    private void readThrough(int etcd, int zk) {
        etcdPort = etcd;
        zkPort = zk;
    }

    /**
     * The Cachai member (index in {@code ports}) Patroni holds the most connections to, from
     * {@code ss}: its etcd3 module keeps its HTTP connections open between loops, kazoo its one
     * session connection.
     */
    private static int memberUsedBy(PatroniNode patroni, List<Integer> ports) throws Exception {
        Map<Integer, Integer> connections = new TreeMap<>();
        await("Patroni connected to a Cachai member").atMost(Duration.ofSeconds(30)).pollInterval(POLL).until(() -> {
            connections.clear();
            Process ss = new ProcessBuilder("ss", "-Htnp", "state", "established").start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(10, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 5 && line.contains("pid=" + patroni.pid() + ",")) {
                    int peerPort = Integer.parseInt(f[3].substring(f[3].lastIndexOf(':') + 1));
                    if (ports.contains(peerPort)) {
                        connections.merge(ports.indexOf(peerPort), 1, Integer::sum);
                    }
                }
            }
            return !connections.isEmpty();
        });
        return connections.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** etcd's MoveLeader, sent to Cachai's current leader, then awaited in the members' logs. */
    private static void moveCachaiLeaderTo(ProcessCluster cachai, int target) throws Exception {
        int leader = cachai.awaitAgreedLeader();
        if (leader == target) {
            return;
        }
        try (Client c = Client.builder().endpoints("http://127.0.0.1:" + cachai.member(leader).etcdPort()).build()) {
            String targetUrl = "http://127.0.0.1:" + cachai.member(target).etcdPort();
            long id = c.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers().stream()
                    .filter(m -> m.getClientURIs().stream().anyMatch(u -> u.toString().equals(targetUrl)))
                    .map(Member::getId).findFirst().orElseThrow();
            c.getMaintenanceClient().moveLeader(id).get(10, TimeUnit.SECONDS);
        }
        await("Cachai's leader moved").atMost(Duration.ofSeconds(20)).pollInterval(POLL)
                .until(() -> cachai.awaitAgreedLeader() == target);
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
        String body = gateway("/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}");
        JsonArray kvs = JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("kvs");
        if (kvs == null) {
            throw new IllegalStateException("no " + key + " in " + body);
        }
        JsonObject kv = kvs.get(0).getAsJsonObject();
        return new String(Base64.getDecoder().decode(kv.get("value").getAsString()), StandardCharsets.UTF_8);
    }

    /** A POST to Cachai's HTTP gateway (as root once auth is on); the body of a 200 answer. */
    private String gateway(String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + etcdPort + path))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (etcdToken != null) {
            b.header("authorization", etcdToken);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private String zkValue(String path) throws Exception {
        try (ZooKeeper zk = zk()) {
            return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
        }
    }

    private ZooKeeper zk() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + zkPort, ZK_SESSION_MS, e -> {
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
