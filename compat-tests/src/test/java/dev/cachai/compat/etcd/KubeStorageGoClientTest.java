package dev.cachai.compat.etcd;

import dev.cachai.compat.NativeTool;
import dev.cachai.compat.TempDirs;
import dev.cachai.compat.cluster.ProcessCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd's own Go client (clientv3 of Debian's etcd 3.4.23 sources, the library kube-apiserver's
 * storage layer calls) driven the way kube-apiserver's etcd3 store drives it, by a program of
 * ours compiled here (src/test/go/kube_storage.go). Its report against Cachai must be a real
 * etcd's, line for line.
 */
class KubeStorageGoClientTest extends BothEtcdTargets {
    /** Debian's golang-etcd-server-dev: etcd's sources and, through its dependencies, grpc-go and the rest. */
    private static final Path GO_PATH = Path.of("/usr/share/gocode");
    private static final Path CLIENTV3 = GO_PATH.resolve("src/go.etcd.io/etcd/clientv3");
    /** A first build compiles grpc-go and clientv3 from source: minutes on two busy cores. */
    private static final int BUILD_TIMEOUT_S = 600;
    private static final int RUN_TIMEOUT_S = 90;

    private static final int CLUSTER_MEMBERS = 3;

    @Test
    void kubeApiserverStoragePatternMatchesEtcd() throws Exception {
        assertSameReport(cachai.endpoint());
    }

    /** The same through a follower of a three-member cluster (separate JVMs): forwarded writes, read index, its watches. */
    @Test
    void throughAClusterFollowerToo() throws Exception {
        Path root = Files.createTempDirectory("cachai-kube-storage");
        try (ProcessCluster cluster = new ProcessCluster(root, CLUSTER_MEMBERS).startAll()) {
            int follower = (cluster.awaitAgreedLeader() + 1) % CLUSTER_MEMBERS;
            assertSameReport("http://127.0.0.1:" + cluster.member(follower).etcdPort());
        } finally {
            TempDirs.deleteTree(root);
        }
    }

    /** The compiled program, built once for the class. */
    private Path program;
    /** The program against the real etcd, run once: it writes fixed keys, so a second run would report otherwise. */
    private NativeTool.Outcome etcdReport;

    private void assertSameReport(String cachaiEndpoint) throws Exception {
        if (program == null) {
            program = build();
        }
        if (etcdReport == null) {
            etcdReport = NativeTool.run(List.of(program.toString(), etcd.endpoint()), Map.of(), RUN_TIMEOUT_S, "", null, null);
        }
        NativeTool.Outcome expected = etcdReport;
        assertThat(expected.exitCode()).as("against etcd:\n" + expected.stdout() + expected.stderr()).isZero();
        NativeTool.Outcome actual = NativeTool.run(List.of(program.toString(), cachaiEndpoint), Map.of(), RUN_TIMEOUT_S,
                "", null, null);
        assertThat(actual.exitCode()).as("against Cachai:\n" + actual.stdout() + actual.stderr()).isZero();
        assertThat(actual.stdout().lines().toList()).isEqualTo(expected.stdout().lines().toList());
        assertThat(actual.stdout())
                .contains("update pod-1 at m=+2: succeeded=false")
                .contains("list page 2 at +9: pod-4,pod-5,pod-6 more=false")
                .contains("progress notify: rev=+")
                .contains("old watch: canceled=true")
                .endsWith("done\n");
    }

    /** Compiles the program in GOPATH mode against Debian's Go sources (nothing is downloaded). */
    private static Path build() throws Exception {
        NativeTool.requireInstalled(NativeTool.GO, "golang-go");
        assertThat(Files.isDirectory(CLIENTV3)).as(CLIENTV3 + " missing: apt-get install -y golang-etcd-server-dev").isTrue();
        Path out = Files.createDirectories(Path.of("target", "native")).toAbsolutePath();
        Path program = out.resolve("kube_storage");
        Map<String, String> env = Map.of("GO111MODULE", "off", "GOPATH", GO_PATH.toString(),
                "GOCACHE", out.resolve("go-build-cache").toString(), "GOFLAGS", "");
        NativeTool.Outcome built = NativeTool.run(List.of(NativeTool.GO.toString(), "build", "-o", program.toString(),
                "src/test/go/kube_storage.go"), env, BUILD_TIMEOUT_S, "", null, null);
        assertThat(built.exitCode()).as("go build:\n" + built.stdout() + built.stderr()).isZero();
        return program;
    }
}
