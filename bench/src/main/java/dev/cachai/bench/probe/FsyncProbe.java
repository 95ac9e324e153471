package dev.cachai.bench.probe;

import dev.cachai.bench.Args;
import dev.cachai.consensus.wal.ZeroFill;
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
 *
 * <p>{@code --beside-fill bulk|chunked} measures while another thread keeps preparing 64 MiB
 * zero-filled files, as the WAL prepares its next segment: written whole and synced once
 * ({@code bulk}), or synced per 1 MiB chunk ({@code chunked}, what the WAL does).
 */
public final class FsyncProbe {
    private static final long PREALLOCATED_BYTES = 64L << 20;
    /** Between two fills beside the probe, as between segment rolls under a heavy write load. */
    private static final long FILL_PAUSE_MS = 1_000;

    private FsyncProbe() {}

    public static void main(String[] argv) throws IOException {
        System.exit(run(argv));
    }

    public static int run(String[] argv) throws IOException {
        Args args = new Args(argv, 0);
        Path dir = Path.of(args.string("dir", "."));
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--dir " + dir + " is not a directory (the probe writes its files into it)");
        }
        Duration duration = args.duration("duration", Duration.ofSeconds(5));
        int recordBytes = args.integer("record-bytes", 512);
        String fill = args.string("beside-fill", "none");
        if (!fill.equals("none") && !fill.equals("bulk") && !fill.equals("chunked")) {
            throw new IllegalArgumentException("--beside-fill is none, bulk or chunked, not " + fill);
        }
        System.out.printf(Locale.ROOT, "fsync probe in %s, %d-byte records, %s per mode, fills beside it: %s%n",
                dir.toAbsolutePath(), recordBytes, duration.dividedBy(2), fill);
        Thread filler = fill.equals("none") ? null : startFiller(dir, fill.equals("chunked"));
        try {
            print("append (file grows)", measure(dir, recordBytes, duration.dividedBy(2), false));
            print("overwrite (preallocated)", measure(dir, recordBytes, duration.dividedBy(2), true));
        } finally {
            if (filler != null) {
                filler.interrupt();
                try {
                    filler.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return 0;
    }

    private static Thread startFiller(Path dir, boolean syncEachChunk) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    fillOnce(dir, syncEachChunk);
                    Thread.sleep(FILL_PAUSE_MS);
                }
            } catch (InterruptedException | java.nio.channels.ClosedByInterruptException stop) {
                // the probe is done
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "fsync-probe-fill");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void fillOnce(Path dir, boolean syncEachChunk) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe-fill-", ".tmp");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ZeroFill.write(ch, 0, PREALLOCATED_BYTES, syncEachChunk);
            ch.force(true);
        } finally {
            Files.deleteIfExists(file);
        }
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
        ZeroFill.write(ch, 0, PREALLOCATED_BYTES, false);
        ch.force(true);
    }

    private static void print(String mode, Histogram h) {
        double seconds = h.getTotalCount() == 0 ? 1 : h.getTotalCount() * h.getMean() / 1e9;
        System.out.printf(Locale.ROOT, "%-26s %8.0f fsyncs/s  p50 %7.0f µs  p99 %7.0f µs  max %7.0f µs  (%d syncs)%n",
                mode, h.getTotalCount() / seconds, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount());
    }
}
