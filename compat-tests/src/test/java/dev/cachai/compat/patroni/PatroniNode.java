package dev.cachai.compat.patroni;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.cachai.compat.FreePorts;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One member of a Patroni cluster: Debian's patroni running a PostgreSQL of its own (initdb, or
 * a base backup from the leader), with its REST API and its DCS on a Cachai port. PostgreSQL
 * refuses to run as root, so under root the member runs as the postgres user (setpriv execs, so
 * the process held here is Patroni itself).
 */
final class PatroniNode implements AutoCloseable {
    static final Path PATRONI = Path.of("/usr/bin/patroni");
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    static final String INSTALL = "apt-get install -y patroni python3-etcd postgresql";
    /** The DCS leader key's lifetime; Patroni's loop runs every LOOP_WAIT_S. Short, so a failover comes soon. */
    static final int TTL_S = 10;
    static final int LOOP_WAIT_S = 2;
    static final int RETRY_TIMEOUT_S = 4;
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
    private static final int STOP_WAIT_S = 30;
    private static final int LOG_TAIL_CHARS = 4_000;

    /** Which of Patroni's DCS modules speaks to Cachai. */
    enum Dcs {
        ETCD3("etcd3"),
        ZOOKEEPER("zookeeper");

        private final String module;

        Dcs(String module) {
            this.module = module;
        }

        /** The module's section, naming every Cachai member it may use, and the DCS user if any. */
        String yaml(List<Integer> ports, String user, String password) {
            List<String> hosts = ports.stream().map(p -> "'127.0.0.1:" + p + "'").toList();
            String credentials = user == null ? "" : "  username: " + user + "\n  password: " + password + "\n";
            return module + ":\n  hosts: [" + String.join(", ", hosts) + "]\n" + credentials;
        }
    }

    /** Where Patroni keeps its keys: a DCS module, the Cachai ports, and the etcd user it logs in as (or null). */
    record DcsAccess(Dcs dcs, List<Integer> ports, String user, String password) {
        DcsAccess(Dcs dcs, List<Integer> ports) {
            this(dcs, ports, null, null);
        }

        String yaml() {
            return dcs.yaml(ports, user, password);
        }
    }

    final String name;
    final int restPort = FreePorts.next();
    final int pgPort = FreePorts.next();
    private final Path home;
    private final Path config;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private Process patroni;

    PatroniNode(Path root, String scope, String name, DcsAccess dcs) throws IOException {
        this.name = name;
        this.home = Files.createDirectories(root.resolve(name));
        this.config = home.resolve("patroni.yml");
        this.log = root.resolve(name + ".log");
        Files.writeString(config, yaml(scope, dcs));
    }

    private String yaml(String scope, DcsAccess dcs) {
        return "scope: " + scope + "\nname: " + name + "\n"
                + "restapi:\n  listen: 127.0.0.1:" + restPort + "\n  connect_address: 127.0.0.1:" + restPort + "\n"
                + dcs.yaml()
                + "bootstrap:\n  dcs:\n    ttl: " + TTL_S + "\n    loop_wait: " + LOOP_WAIT_S
                + "\n    retry_timeout: " + RETRY_TIMEOUT_S + "\n  initdb:\n  - encoding: UTF8\n"
                + "postgresql:\n  listen: 127.0.0.1:" + pgPort + "\n  connect_address: 127.0.0.1:" + pgPort + "\n"
                + "  data_dir: " + home.resolve("data") + "\n  bin_dir: " + postgresBin() + "\n"
                + "  pgpass: " + home.resolve("pgpass") + "\n"
                + "  pg_hba:\n  - local all all trust\n  - host replication replicator 127.0.0.1/32 md5\n"
                + "  - host all all 127.0.0.1/32 md5\n"
                + "  authentication:\n    superuser: {username: postgres, password: pw}\n"
                + "    replication: {username: replicator, password: rpw}\n"
                + "  parameters:\n    unix_socket_directories: " + home + "\n";
    }

    /** The newest PostgreSQL Debian installed ({@code /usr/lib/postgresql/N/bin}). */
    static Path postgresBin() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max((a, b) -> Integer.compare(major(a), major(b)))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server: " + INSTALL));
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL server: " + INSTALL, e);
        }
    }

    private static int major(Path bin) {
        String version = bin.getParent().getFileName().toString();
        return version.matches("\\d+") ? Integer.parseInt(version) : 0;
    }

    static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    void start() throws IOException {
        List<String> command = new ArrayList<>();
        if (asRoot()) {
            command.addAll(List.of(SETPRIV.toString(), "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        command.addAll(List.of(PATRONI.toString(), config.toString()));
        patroni = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Patroni's process id (setpriv execs it, so this is Patroni itself and its threads). */
    long pid() {
        return patroni.pid();
    }

    /** GET /patroni: the member's state and role as Patroni reports them; empty while it does not answer. */
    Optional<JsonObject> status() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(rest("/patroni")).timeout(HTTP_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return Optional.of(JsonParser.parseString(r.body()).getAsJsonObject());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Running PostgreSQL in {@code role} ("master" or "replica", Patroni 3.0's names). */
    boolean is(String role) {
        return status().map(s -> s.has("role") && s.get("role").getAsString().equals(role)
                && s.get("state").getAsString().equals("running")).orElse(false);
    }

    /** What patronictl switchover sends: a planned hand-over of the leader key to {@code candidate}. */
    HttpResponse<String> switchoverTo(String candidate) throws IOException, InterruptedException {
        String body = "{\"leader\": \"" + name + "\", \"candidate\": \"" + candidate + "\"}";
        return http.send(HttpRequest.newBuilder(rest("/switchover")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI rest(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    /** kill -9 of Patroni and of its PostgreSQL: the machine is gone, nothing is handed over. */
    void crash() {
        if (patroni != null) {
            patroni.destroyForcibly();
            waitFor(patroni);
        }
        postmaster().ifPresent(pm -> {
            pm.destroyForcibly();
            pm.onExit().orTimeout(STOP_WAIT_S, TimeUnit.SECONDS).join();
        });
    }

    /** PostgreSQL's postmaster, from the first line of its postmaster.pid, while it runs. */
    private Optional<ProcessHandle> postmaster() {
        Path pidFile = home.resolve("data").resolve("postmaster.pid");
        try {
            String first = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim();
            return ProcessHandle.of(Long.parseLong(first));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** What Patroni and its PostgreSQL printed. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The end of the member's log, for a failure message. */
    String logTail() {
        String all = log();
        return all.substring(Math.max(0, all.length() - LOG_TAIL_CHARS));
    }

    /** Stops Patroni as an operator would (it stops its PostgreSQL), and anything left by force. */
    @Override
    public void close() {
        if (patroni != null && patroni.isAlive()) {
            patroni.destroy();
            try {
                if (!patroni.waitFor(STOP_WAIT_S, TimeUnit.SECONDS)) {
                    patroni.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        crash();
    }

    private static void waitFor(Process p) {
        try {
            p.waitFor(STOP_WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
