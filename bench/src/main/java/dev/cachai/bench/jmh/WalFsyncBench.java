package dev.cachai.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * WAL append + fdatasync into a preallocated segment: fsyncs per second of the data disk, the
 * upper bound on fsync'd commit batches (see also the FsyncProbe main). {@code dir} defaults to
 * the working directory; point it at the disk the server's --data-dir lives on.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Thread)
public class WalFsyncBench {
    private static final long SEGMENT_BYTES = 64L << 20;

    @Param("")
    String dir;

    @Param({"512", "16384"})
    int batchBytes;

    private Path file;
    private FileChannel channel;
    private ByteBuffer batch;
    private long position;

    @Setup
    public void setUp() throws IOException {
        Path where = Path.of(dir.isEmpty() ? System.getProperty("user.dir") : dir);
        file = Files.createTempFile(where, "wal-bench-", ".wal");
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long p = 0; p < SEGMENT_BYTES; p += zeros.capacity()) {
            zeros.clear();
            channel.write(zeros, p);
        }
        channel.force(true);
        batch = ByteBuffer.allocateDirect(batchBytes);
    }

    @Benchmark
    public long appendAndSync() throws IOException {
        if (position + batchBytes > SEGMENT_BYTES) {
            position = 0;
        }
        batch.clear();
        position += channel.write(batch, position);
        channel.force(false);
        return position;
    }

    @TearDown
    public void tearDown() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }
}
