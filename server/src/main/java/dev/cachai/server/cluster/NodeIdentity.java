package dev.cachai.server.cluster;

import dev.cachai.server.storage.DataDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Which member of which cluster a data dir belongs to, kept in {@code <data-dir>/member}. Once
 * written, it and not {@code --initial-cluster} decides a restarted node's id: a member that
 * joined a running cluster got its id from the cluster, not from its name.
 */
record NodeIdentity(int nodeId, long clusterId) {

    NodeIdentity {
        if (nodeId <= 0 || clusterId < 0) {
            throw new IllegalArgumentException("bad node identity " + nodeId + "/" + clusterId);
        }
    }

    static Path file(DataDir dataDir) {
        return dataDir.paxosDir().resolveSibling("member");
    }

    static Optional<NodeIdentity> read(DataDir dataDir) {
        Path file = file(dataDir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String[] words = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
            if (words.length != 2) {
                throw new IllegalStateException(file + " must hold '<node id> <cluster id>'");
            }
            return Optional.of(new NodeIdentity(Integer.parseInt(words[0]), Long.parseLong(words[1])));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Written aside, fsynced and renamed, so a crash leaves the old file or the new one. */
    void write(DataDir dataDir) {
        Path file = file(dataDir);
        Path tmp = file.resolveSibling("member.tmp");
        try {
            Files.writeString(tmp, nodeId + " " + clusterId + "\n", StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
