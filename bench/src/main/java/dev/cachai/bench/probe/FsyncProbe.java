package dev.cachai.bench.probe;

import dev.cachai.bench.Args;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The data disk's synchronous-write limit: a WAL-like loop of small appends each followed by
 * fdatasync. A single-node store that fsyncs every commit cannot exceed this many commit batches
 * per second, so every write benchmark is read against it. Two shapes: appends that grow the file
 * (size metadata must be synced too) and writes into a preallocated file (what etcd's WAL does).
 */
public final class FsyncProbe {
    private static final long PREALLOCATED_BYTES = 64L << 20;

    private FsyncProbe() {}

    public static void main(String[] argv) throws IOException {
        System.exit(run(argv));
    }

    public static int run(String[] argv) throws IOException {
        Args args = new Args(argv, 0);
        Path dir = Path.of(args.string("dir", "."));
        Duration duration = args.duration("duration", Duration.ofSeconds(5));
        int recordBytes = args.integer("record-bytes", 512);
        System.out.printf(Locale.ROOT, "fsync probe in %s, %d-byte records, %s per mode%n",
                dir.toAbsolutePath(), recordBytes, duration.dividedBy(2));
        print("append (file grows)", measure(dir, recordBytes, duration.dividedBy(2), false));
        print("overwrite (preallocated)", measure(dir, recordBytes, duration.dividedBy(2), true));
        return 0;
    }

    static Histogram measure(Path dir, int recordBytes, Duration duration, boolean preallocate) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe-", ".wal");
        Histogram latencyNanos = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            if (preallocate) {
                preallocate(ch);
            }
            ByteBuffer record = ByteBuffer.allocateDirect(recordBytes);
            long position = 0;
            long end = System.nanoTime() + duration.toNanos();
            for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                record.clear();
                position = wrapIfFull(position, recordBytes);
                ch.write(record, position);
                ch.force(false);
                position += recordBytes;
                latencyNanos.recordValue(Math.min(System.nanoTime() - now, latencyNanos.getHighestTrackableValue()));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return latencyNanos;
    }

    private static long wrapIfFull(long position, int recordBytes) {
        return position + recordBytes > PREALLOCATED_BYTES ? 0 : position;
    }

    private static void preallocate(FileChannel ch) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long p = 0; p < PREALLOCATED_BYTES; p += zeros.capacity()) {
            zeros.clear();
            ch.write(zeros, p);
        }
        ch.force(true);
    }

    private static void print(String mode, Histogram h) {
        double seconds = h.getTotalCount() == 0 ? 1 : h.getTotalCount() * h.getMean() / 1e9;
        System.out.printf(Locale.ROOT, "%-26s %8.0f fsyncs/s  p50 %7.0f µs  p99 %7.0f µs  max %7.0f µs  (%d syncs)%n",
                mode, h.getTotalCount() / seconds, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount());
    }
}
