package dev.cachai.consensus.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Zero-fills the next segment file in the background, so a roll is a rename instead of writing
 * and syncing a whole segment of zeros on the consensus loop (a stall of hundreds of ms).
 * The spare lives under a name recovery ignores and deletes.
 */
final class SegmentPreparer implements AutoCloseable {

    static final String SPARE_NAME = "next.wal.tmp";
    /** An interrupted write stops at once; this only bounds a stuck device. */
    private static final long CLOSE_WAIT_MS_MAX = 5_000;

    private final Path spare;
    private final long preallocateBytes;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cachai-wal-preallocate");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Void> pending;

    SegmentPreparer(Path dir, long preallocateBytes) throws IOException {
        this.spare = dir.resolve(SPARE_NAME);
        this.preallocateBytes = preallocateBytes;
        // A spare left by a crash may be half written: start over.
        Files.deleteIfExists(spare);
        prepareNext();
    }

    /** Moves the ready spare to {@code target} (waiting if it is still being written) and starts the next. */
    void takeAs(Path target) throws IOException {
        try {
            pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the next WAL segment", e);
        } catch (ExecutionException e) {
            throw new IOException("preparing the next WAL segment failed", e.getCause());
        }
        Files.move(spare, target, StandardCopyOption.ATOMIC_MOVE);
        prepareNext();
    }

    private void prepareNext() {
        pending = CompletableFuture.runAsync(() -> {
            try {
                writeSpare();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, worker);
    }

    /**
     * Each chunk of zeros is synced before the next is written ({@link ZeroFill}). Written whole
     * and synced once, the 64 MiB of a segment reached the device in one burst that the log's own
     * fsyncs, on the same device, queued behind. The fsync probe beside fills of each kind
     * ({@code FsyncProbe --beside-fill bulk|chunked}, writes into a preallocated file, two runs):
     * slowest sync 58-65 ms beside whole fills, 18-20 ms beside chunked ones, 8-12 ms alone. A
     * spare then takes about 130 ms to write instead of 80.
     */
    private void writeSpare() throws IOException {
        try (FileChannel channel = FileChannel.open(spare, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ZeroFill.write(channel, 0, preallocateBytes, true);
            // Data and size durable before the rename makes it a segment.
            channel.force(true);
        }
    }

    /** Stops the worker; a spare cut short here is deleted by the next open. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(CLOSE_WAIT_MS_MAX, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
