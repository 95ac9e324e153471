package dev.cachai.migration;

import dev.cachai.migration.datadir.BootstrapEngine;
import dev.cachai.migration.datadir.ClusterIdentity;
import dev.cachai.migration.datadir.DataDirTarget;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a server makes of a data directory while, or after, the tool writes it. */
class DataDirTargetTest {
    @TempDir
    Path dir;

    @Test
    void aDirectoryBeingWrittenIsLockedAndOneCutShortIsRefusedNotStartedEmpty() throws IOException {
        Path data = dir.resolve("data");
        Path cutShort = dir.resolve("cut-short");
        try (DataDirTarget target = DataDirTarget.open(data, ClusterIdentity.of("test", null))) {
            assertThatThrownBy(() -> CachaiServer.start(ServerConfig.ephemeral(data)))
                    .hasMessageContaining("in use by another process");
            // What a killed run leaves: the log is there, the snapshot it names is not.
            BootstrapClusterTest.copyTree(data, cutShort);
        }
        assertThat(data).doesNotExist();
        assertThatThrownBy(() -> CachaiServer.start(ServerConfig.ephemeral(cutShort)))
                .hasMessageContaining("the consensus log was compacted through 1 but the newest readable snapshot covers only 0");
    }

    @Test
    void anEmptyEngineMakesADirectoryANodeStartsFromEmpty() {
        Path data = dir.resolve("empty-source");
        try (DataDirTarget target = DataDirTarget.open(data, ClusterIdentity.of("test", null))) {
            target.finish(new BootstrapEngine(), new Progress("copy", System.err, false), "keys", System.err);
        }
        try (CachaiServer server = CachaiServer.start(ServerConfig.ephemeral(data))) {
            assertThat(server.healthy()).isTrue();
            assertThat(server.gateway().engine().keyCount()).isZero();
        }
    }

    @Test
    void aNodeStartedUnderANameTheDirectoryWasNotMadeForIsRefused() {
        Path data = dir.resolve("for-test");
        try (DataDirTarget target = DataDirTarget.open(data, ClusterIdentity.of("test", null))) {
            target.finish(new BootstrapEngine(), new Progress("copy", System.err, false), "keys", System.err);
        }
        ServerConfig d = ServerConfig.ephemeral(data);
        ServerConfig other = new ServerConfig("other", data, d.zkListen(), d.etcdListen(), d.peerListen(),
                d.zkTickTimeMs(), d.etcdVersion(), d.zkExtendedTypes(), d.zkSuperDigest(), d.zk4lwWhitelist(),
                d.initialCluster());
        assertThatThrownBy(() -> CachaiServer.start(other))
                .hasMessageContaining("is not one of them: start it with the --name and --initial-cluster");
        try (CachaiServer server = CachaiServer.start(d)) {
            assertThat(server.healthy()).as("the refusal left the directory as it was").isTrue();
        }
    }
}
