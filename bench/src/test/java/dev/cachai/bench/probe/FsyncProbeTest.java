package dev.cachai.bench.probe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FsyncProbeTest {

    @Test
    void aMissingDirectoryIsABadOptionNotAStackTrace(@TempDir Path tmp) {
        Path missing = tmp.resolve("not-here");
        assertThatThrownBy(() -> FsyncProbe.run(new String[] {"--dir", missing.toString(), "--duration", "10ms"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--dir " + missing + " is not a directory (the probe writes its files into it)");
    }
}
