package dev.cachai.compat.zk;

import dev.cachai.compat.FreePorts;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One unchanged Kafka 3.9 broker in ZooKeeper mode, run by Kafka's own launcher
 * ({@code kafka.Kafka server.properties}) in its own JVM on the test classpath, so a stop is a
 * real SIGTERM (shutdown hook, controlled shutdown), a kill a real SIGKILL (the ZooKeeper
 * session is left to expire) and a pause a real SIGSTOP. Its output goes to {@code broker.log}
 * in its directory. The classpath gives it the ZooKeeper 3.9.5 client (Kafka ships 3.8.4), the
 * same client library the oracle tests use.
 */
final class KafkaBroker implements AutoCloseable {
    /** Short enough that a killed broker's session expires within the test, long enough for GC pauses on two cores. */
    static final int SESSION_TIMEOUT_MS = 6000;
    private static final int START_S_MAX = 60;
    private static final int STOP_S_MAX = 30;
    private static final int LOG_TAIL_LINES_MAX = 40;
    /** As in {@code ZkTargets}: a free port may be taken by someone else before the broker binds it. */
    private static final int PORT_ATTEMPTS_MAX = 3;
    /** Two brokers, the store and the test share two cores: small heaps, few GC threads, a quick JIT. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** Kafka's line once the broker is registered in ZooKeeper and its listener accepts requests. */
    private static final String STARTED_LINE = "[KafkaServer id=%d] started";
    private static final String LOGBACK_XML = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
              </appender>
              <logger name="kafka.request.logger" level="WARN"/>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """;

    private final int id;
    private final String zkConnect;
    private final Path dir;
    private final Path log;
    /** The JAAS file of a broker that logs in to ZooKeeper with SASL; null for none. */
    private Path zkJaas;
    private Process process;
    private int port;
    /** Where the log stood at the last launch: earlier lines belong to an earlier run. */
    private long logLengthAtLaunch;

    private KafkaBroker(int id, String zkConnect, Path dir) {
        this.id = id;
        this.zkConnect = zkConnect;
        this.dir = dir;
        this.log = dir.resolve("broker.log");
    }

    /** Starts the JVM and returns at once, so that several brokers boot side by side; see {@link #awaitStarted}. */
    static KafkaBroker launch(int id, String zkConnect, Path dir) throws IOException {
        return launch(id, zkConnect, dir, null);
    }

    /**
     * With {@code zkJaas}, the broker logs in to ZooKeeper with SASL under that JAAS file's Client
     * section and makes its znodes with ACLs (zookeeper.set.acl), as a secured Kafka does.
     */
    static KafkaBroker launch(int id, String zkConnect, Path dir, Path zkJaas) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("logback.xml"), LOGBACK_XML);
        KafkaBroker broker = new KafkaBroker(id, zkConnect, dir);
        broker.zkJaas = zkJaas;
        broker.launch();
        return broker;
    }

    int id() {
        return id;
    }

    boolean running() {
        return process.isAlive();
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private void launch() throws IOException {
        port = FreePorts.next();
        Path properties = dir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "broker.id=" + id,
                "zookeeper.connect=" + zkConnect,
                "zookeeper.session.timeout.ms=" + SESSION_TIMEOUT_MS,
                "zookeeper.connection.timeout.ms=15000",
                "listeners=PLAINTEXT://127.0.0.1:" + port,
                "log.dirs=" + dir.resolve("data"),
                "auto.create.topics.enable=false",
                // Replicated on both brokers, so that group offsets outlive either of them.
                "offsets.topic.num.partitions=3",
                "offsets.topic.replication.factor=2",
                "transaction.state.log.num.partitions=3",
                "transaction.state.log.replication.factor=2",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // A controlled shutdown that fails is retried after this long (5 s by default).
                "controlled.shutdown.retry.backoff.ms=500",
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                "num.recovery.threads.per.data.dir=1",
                // The cleaner's dedupe buffer (128 MiB by default) is allocated on the heap.
                "log.cleaner.dedupe.buffer.size=16777216",
                "zookeeper.set.acl=" + (zkJaas != null),
                ""));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        if (zkJaas != null) {
            // ZooKeeper 3.9's client uses DIGEST-MD5 only with FIPS mode off.
            command.addAll(List.of("-Djava.security.auth.login.config=" + zkJaas, "-Dzookeeper.fips-mode=false"));
        }
        command.addAll(List.of("-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", System.getProperty("java.class.path"), "kafka.Kafka", properties.toString()));
        logLengthAtLaunch = Files.exists(log) ? Files.size(log) : 0;
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Waits until the broker has started, launching it again on a new port if its port was taken. */
    void awaitStarted() throws IOException {
        String started = String.format(STARTED_LINE, id);
        for (int attempt = 1; ; attempt++) {
            try {
                await("broker " + id + " started").atMost(Duration.ofSeconds(START_S_MAX))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> !process.isAlive() || logSinceLaunch().contains(started));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("broker " + id + " did not start within " + START_S_MAX + " s\n" + logTail(), e);
            }
            if (process.isAlive()) {
                return;
            }
            if (!logSinceLaunch().contains("Address already in use") || attempt == PORT_ATTEMPTS_MAX) {
                throw new AssertionError("broker " + id + " exited at start\n" + logTail());
            }
            launch();
        }
    }

    /** A new run on the same data and broker id (and a new port). */
    void restart() throws IOException {
        assertThat(process.isAlive()).as("broker %d is still running", id).isFalse();
        launch();
        awaitStarted();
    }

    /** SIGTERM: Kafka's shutdown hook runs a controlled shutdown and closes its ZooKeeper session. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_S_MAX, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("broker " + id + " did not stop within " + STOP_S_MAX + " s of SIGTERM\n" + logTail());
        }
    }

    /** SIGKILL: nothing closes the session; ZooKeeper keeps the broker's ephemerals until it expires. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(STOP_S_MAX, TimeUnit.SECONDS)).as("broker %d exits on SIGKILL", id).isTrue();
    }

    /**
     * SIGSTOP: the broker freezes with its connections open, as in a long GC pause; ZooKeeper
     * hears nothing and expires its session while it sleeps.
     */
    void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT: the broker runs on, still believing in its old session, until its client learns otherwise. */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(STOP_S_MAX, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", name).isTrue();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES_MAX), lines.size());
            return "--- last " + tail.size() + " lines of " + log + "\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "--- " + log + " unreadable: " + e;
        }
    }

    private String logSinceLaunch() {
        try {
            byte[] all = Files.readAllBytes(log);
            return new String(Arrays.copyOfRange(all, (int) Math.min(logLengthAtLaunch, all.length), all.length),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(STOP_S_MAX, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
