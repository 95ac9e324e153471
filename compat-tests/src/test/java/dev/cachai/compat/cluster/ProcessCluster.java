package dev.cachai.compat.cluster;

import dev.cachai.compat.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cluster members as separate JVMs running the shaded jar on loopback ports. */
final class ProcessCluster implements AutoCloseable {
    static final Path JAR = Path.of("..", "server", "target", "cachai-server.jar");
    private static final Pattern FOLLOWS = Pattern.compile("node (\\d+) now follows leader (\\d+)");
    /** Small heaps and a quick JIT: three members share two cores with the test itself. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    record Member(String name, int zkPort, int etcdPort, int peerPort, Path dataDir, Path log) {}

    private final List<Member> members = new ArrayList<>();
    private final Process[] processes;
    private final String initialCluster;

    ProcessCluster(Path root, int size) {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < size; i++) {
            String name = "m" + i;
            Member m = new Member(name, FreePorts.next(), FreePorts.next(),
                    FreePorts.next(), root.resolve(name), root.resolve(name + ".log"));
            members.add(m);
            list.append(i == 0 ? "" : ",").append(name).append("=127.0.0.1:").append(m.peerPort());
        }
        initialCluster = list.toString();
        processes = new Process[size];
    }

    ProcessCluster startAll() {
        for (int i = 0; i < processes.length; i++) {
            launch(i);
        }
        for (int i = 0; i < processes.length; i++) {
            awaitServing(i);
        }
        return this;
    }

    Member member(int i) {
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
                "--peer-listen", "127.0.0.1:" + m.peerPort(), "--initial-cluster", initialCluster,
                "--zk-tick-time-ms", "500"));
        try {
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
    void kill(int i) throws InterruptedException {
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

    /** The member every running member's log names as leader, once they agree. */
    int awaitAgreedLeader() {
        int[] leader = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            OptionalInt agreed = agreedLeader();
            agreed.ifPresent(l -> leader[0] = l);
            return agreed.isPresent();
        });
        return leader[0];
    }

    /** Members learn their node id from their name; their logs tell it, so the test need not. */
    private OptionalInt agreedLeader() throws IOException {
        long[][] views = new long[processes.length][];
        long leaderId = 0;
        for (int i = 0; i < processes.length; i++) {
            if (processes[i] == null) {
                continue;
            }
            views[i] = lastLeaderSeen(members.get(i));
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

    /** {self id, leader id} from the member's last "now follows" line, zeros before there is one. */
    private static long[] lastLeaderSeen(Member m) throws IOException {
        long[] seen = {0, 0};
        if (Files.exists(m.log())) {
            Matcher matcher = FOLLOWS.matcher(Files.readString(m.log()));
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
    public void close() throws InterruptedException {
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
    }
}
