package dev.cachai.compat.cluster;

import dev.cachai.compat.FreePorts;
import dev.cachai.compat.TcpProxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster members as separate JVMs running the shaded jar on loopback ports. With peer proxies,
 * every member's peer port sits behind a {@link TcpProxy} whose address is the one the member
 * list gives for it (members dial the addresses the replicated membership records, as etcd
 * members dial advertised peer URLs), so a test can cut a member's peer traffic.
 */
public final class ProcessCluster implements AutoCloseable {
    public static final Path JAR = Path.of("..", "server", "target", "cachai-server.jar");
    private static final Pattern FOLLOWS = Pattern.compile("node (\\d+) now follows leader (\\d+)");
    /** Small heaps and a quick JIT: three members share two cores with the test itself. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    public record Member(String name, int zkPort, int etcdPort, int peerPort, Path dataDir, Path log) {}

    private final List<Member> members = new ArrayList<>();
    private final Process[] processes;
    private final Set<Integer> paused = new HashSet<>();
    /** Where each member's log stood when it was last launched: older lines speak of an earlier run. */
    private final long[] logLengthAtLaunch;
    /** {@code proxies[j]}: what every member dials to reach member j; null without peer proxies. */
    private final TcpProxy[] proxies;

    public ProcessCluster(Path root, int size) {
        this(root, size, false);
    }

    ProcessCluster(Path root, int size, boolean peerProxies) {
        assertThat(JAR).as("run mvn package -pl server first").exists();
        for (int i = 0; i < size; i++) {
            String name = "m" + i;
            members.add(new Member(name, FreePorts.next(), FreePorts.next(),
                    FreePorts.next(), root.resolve(name), root.resolve(name + ".log")));
        }
        processes = new Process[size];
        logLengthAtLaunch = new long[size];
        proxies = peerProxies ? new TcpProxy[size] : null;
        for (int j = 0; peerProxies && j < size; j++) {
            proxies[j] = newProxy("127.0.0.1:" + members.get(j).peerPort());
        }
    }

    private static TcpProxy newProxy(String target) {
        try {
            return new TcpProxy(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code --initial-cluster} member {@code i} starts with: members' peer ports or their proxies. */
    private String initialClusterOf(int i) {
        StringBuilder list = new StringBuilder();
        for (int j = 0; j < members.size(); j++) {
            String address = proxies == null ? "127.0.0.1:" + members.get(j).peerPort()
                    : proxies[j].connectString();
            list.append(j == 0 ? "" : ",").append(members.get(j).name()).append('=').append(address);
        }
        return list.toString();
    }

    public int size() {
        return processes.length;
    }

    public ProcessCluster startAll() {
        for (int i = 0; i < processes.length; i++) {
            launch(i);
        }
        for (int i = 0; i < processes.length; i++) {
            awaitServing(i);
        }
        return this;
    }

    public Member member(int i) {
        return members.get(i);
    }

    String etcdEndpoint(int i) {
        return "http://127.0.0.1:" + members.get(i).etcdPort();
    }

    String zkConnect(int i) {
        return "127.0.0.1:" + members.get(i).zkPort();
    }

    void launch(int i) {
        Member m = members.get(i);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-jar", JAR.toString(), "--name", m.name(), "--data-dir", m.dataDir().toString(),
                "--zk-listen", "127.0.0.1:" + m.zkPort(), "--etcd-listen", "127.0.0.1:" + m.etcdPort(),
                "--peer-listen", "127.0.0.1:" + m.peerPort(), "--initial-cluster", initialClusterOf(i),
                "--zk-tick-time-ms", "500"));
        try {
            logLengthAtLaunch[i] = Files.exists(m.log()) ? Files.size(m.log()) : 0;
            processes[i] = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(m.log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitServing(int i) {
        Member m = members.get(i);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(processes[i].isAlive()).as("member %s exited; log: %s", m.name(), Files.readString(m.log()))
                    .isTrue();
            return accepts(m.zkPort()) && accepts(m.etcdPort());
        });
    }

    /** SIGKILL: no shutdown hook, no flush; only what was fsynced survives. */
    public void kill(int i) throws InterruptedException {
        processes[i].destroyForcibly();
        assertThat(processes[i].waitFor(10, TimeUnit.SECONDS)).isTrue();
        processes[i] = null;
    }

    /** SIGTERM: the member runs its shutdown hook (a leader hands over first) and exits. */
    void stop(int i) throws InterruptedException {
        processes[i].destroy();
        assertThat(processes[i].waitFor(20, TimeUnit.SECONDS)).isTrue();
        processes[i] = null;
    }

    /**
     * SIGSTOP: the member freezes with its sockets open (a long GC pause or a stalled VM); its
     * peers and clients see silence, not a closed connection.
     */
    void pause(int i) throws Exception {
        signal(i, "STOP");
        paused.add(i);
    }

    /** SIGCONT: the paused member runs on from where it stopped, with stale ideas of who leads. */
    void resume(int i) throws Exception {
        signal(i, "CONT");
        paused.remove(i);
    }

    private void signal(int i, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes[i].pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", signal).isTrue();
    }

    /**
     * Silently drops every peer connection to member {@code i}: it no longer hears the others'
     * votes, acknowledgements or forwarded requests. What it sends on its own connections still
     * arrives, so, as a leader, it must notice the silence (checkQuorum) and step down before the
     * others can elect another; nothing it takes can be chosen without them.
     */
    void isolate(int i) {
        proxies[i].blackhole(true);
    }

    /** Ends every partition: peers redial and exchange traffic again. */
    void heal() {
        for (TcpProxy p : proxies) {
            p.blackhole(false);
        }
    }

    /** The member every running member's log names as leader, once they agree. */
    public int awaitAgreedLeader() {
        List<Integer> running = new ArrayList<>();
        for (int i = 0; i < processes.length; i++) {
            if (processes[i] != null) {
                running.add(i);
            }
        }
        return awaitAgreedLeaderAmong(running);
    }

    /** The member these members' logs name as leader, once they agree (it must be one of them). */
    int awaitAgreedLeaderAmong(Collection<Integer> group) {
        int[] leader = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            OptionalInt agreed = agreedLeader(group);
            agreed.ifPresent(l -> leader[0] = l);
            return agreed.isPresent();
        });
        return leader[0];
    }

    /** Members learn their node id from their name; their logs tell it, so the test need not. */
    private OptionalInt agreedLeader(Collection<Integer> group) throws IOException {
        long[][] views = new long[processes.length][];
        long leaderId = 0;
        for (int i : group) {
            views[i] = lastLeaderSeen(members.get(i), logLengthAtLaunch[i]);
            long seen = views[i][1];
            if (seen == 0 || leaderId != 0 && seen != leaderId) {
                return OptionalInt.empty();
            }
            leaderId = seen;
        }
        for (int i = 0; i < processes.length; i++) {
            if (views[i] != null && views[i][0] == leaderId) {
                return OptionalInt.of(i);
            }
        }
        return OptionalInt.empty();
    }

    /** {self id, leader id} from the member's last "now follows" line of this run, zeros before one. */
    private static long[] lastLeaderSeen(Member m, long runStartsAt) throws IOException {
        long[] seen = {0, 0};
        if (Files.exists(m.log())) {
            byte[] log = Files.readAllBytes(m.log());
            int from = (int) Math.min(runStartsAt, log.length);
            Matcher matcher = FOLLOWS.matcher(new String(log, from, log.length - from, StandardCharsets.UTF_8));
            while (matcher.find()) {
                seen = new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))};
            }
        }
        return seen;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        for (int i : List.copyOf(paused)) {
            resume(i); // a stopped process would not act on SIGTERM
        }
        for (Process p : processes) {
            if (p != null) {
                p.destroy();
            }
        }
        for (Process p : processes) {
            if (p != null && !p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        for (TcpProxy p : proxies == null ? new TcpProxy[0] : proxies) {
            p.close();
        }
    }
}
