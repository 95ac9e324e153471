package dev.cachai.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Data directories of servers a test starts itself, removed when the server stops (a WAL segment alone is 64 MiB). */
public final class TempDirs {
    private TempDirs() {}

    public static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // what cannot be listed cannot be removed either; the next run uses a new directory
        }
    }
}
