package dev.cachai.bench.server;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.server.config.InitialCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Cachai cluster: one JVM per member from a private copy of the shaded jar, all on loopback. */
public final class CachaiClusterLauncher implements ClusterLauncher {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path jar;
    private final String heap;
    private final int size;
    private final String name;
    private final List<String> jvmOptions;
    private final Members members = new Members();
    private final List<String> names = new ArrayList<>();
    private List<String> etcd = List.of();

    /** As {@link CachaiLauncher}'s: {@code name} cachai or baseline, {@code jvmOptions} before {@code -jar}. */
    public CachaiClusterLauncher(Path jar, String heap, int size, String name, List<String> jvmOptions) {
        this.jar = jar;
        this.heap = heap;
        this.size = size;
        this.name = name;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Files.isRegularFile(jar) ? Optional.empty()
                : Optional.of("cachai jar not found at " + jar.toAbsolutePath() + " (pass --cachai-jar)");
    }

    @Override
    public Endpoints start(Path workDir) throws Exception {
        // A private copy: the jar in server/target may be rebuilt while a comparison runs.
        Path jarCopy = Files.copy(jar, workDir.resolve("cachai-server.jar"), StandardCopyOption.REPLACE_EXISTING);
        List<Integer> peers = Members.freePorts(size);
        List<String> zk = new ArrayList<>();
        List<String> etcdList = new ArrayList<>();
        StringBuilder cluster = new StringBuilder();
        for (int i = 0; i < size; i++) {
            names.add("n" + (i + 1));
            cluster.append(i == 0 ? "" : ",").append(names.get(i)).append("=127.0.0.1:").append(peers.get(i));
            zk.add("127.0.0.1:" + ManagedProcess.freePort());
            etcdList.add("127.0.0.1:" + ManagedProcess.freePort());
        }
        for (int i = 0; i < size; i++) {
            Path dir = Files.createDirectories(workDir.resolve(names.get(i)));
            List<String> command = CachaiLauncher.javaJar(heap, jvmOptions, jarCopy);
            command.addAll(List.of(
                    "--name", names.get(i), "--data-dir", dir.resolve("data").toString(),
                    "--zk-listen", zk.get(i), "--etcd-listen", etcdList.get(i),
                    "--peer-listen", "127.0.0.1:" + peers.get(i),
                    "--initial-cluster", cluster.toString(), "--zk-max-client-cnxns", "0"));
            members.add(ManagedProcess.start(name() + "-" + names.get(i), command, dir));
        }
        members.awaitPorts(etcdList, START_TIMEOUT);
        members.awaitPorts(zk, START_TIMEOUT);
        etcd = etcdList;
        EtcdStatus.awaitLeader(etcd, START_TIMEOUT);
        return new Endpoints(name(), etcdList, zk);
    }

    /** Cachai reports the leader as its consensus node id, which the member's name determines. */
    @Override
    public int leaderIndex() throws Exception {
        long leader = EtcdStatus.leaderSeenBy(etcd.get(0));
        for (int i = 0; i < names.size(); i++) {
            if (InitialCluster.nodeIdOf(names.get(i)) == leader) {
                return i;
            }
        }
        return EtcdStatus.selfLeadingIndex(etcd);
    }

    @Override
    public boolean canMoveLeader() {
        return true;
    }

    @Override
    public void moveLeader(int member) throws Exception {
        EtcdStatus.moveLeader(etcd, leaderIndex(), member);
    }

    @Override
    public void kill(int member) throws InterruptedException {
        members.kill(member);
    }

    @Override
    public void close() {
        members.close();
    }
}
