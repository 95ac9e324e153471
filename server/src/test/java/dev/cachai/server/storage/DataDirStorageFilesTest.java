package dev.cachai.server.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What ZooKeeper's conf and dirs words read of a data directory: the snapshots and the log, summed from disk. */
class DataDirStorageFilesTest {
    @TempDir
    Path root;

    @Test
    void snapshotsAndLogAreMeasuredApart() throws Exception {
        try (DataDir dir = DataDir.open(root)) {
            assertThat(dir.snapshotDir()).isEqualTo(root.resolve("snap").toAbsolutePath().toString());
            assertThat(dir.logDir()).isEqualTo(root.resolve("paxos").toAbsolutePath().toString());
            assertThat(dir.snapshotBytes()).isZero();
            assertThat(dir.logBytes()).as("no log directory yet").isZero();

            dir.writeSnapshotBytes(7, new byte[100]);
            Files.createDirectories(root.resolve("paxos/sub"));
            Files.write(root.resolve("paxos/0001.log"), new byte[300]);
            Files.write(root.resolve("paxos/sub/nested"), new byte[20]);
            Files.write(root.resolve("member"), new byte[50]);

            assertThat(dir.snapshotBytes()).isEqualTo(100);
            assertThat(dir.logBytes()).as("nested files count, files elsewhere do not").isEqualTo(320);
        }
    }
}
