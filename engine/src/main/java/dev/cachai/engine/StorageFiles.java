package dev.cachai.engine;

/**
 * Where a node keeps its files and how many bytes they take, as ZooKeeper's {@code conf} and
 * {@code dirs} words report them: the snapshots (ZooKeeper's dataDir) and the consensus log (its
 * dataLogDir). The server implements it from its data directory, measuring on each call; safe to
 * call from any thread.
 */
public interface StorageFiles {
    /** A node that keeps nothing on disk (in-memory test gateways): no directories, no bytes. */
    StorageFiles NONE = new StorageFiles() {
        @Override
        public String snapshotDir() {
            return "";
        }

        @Override
        public long snapshotBytes() {
            return 0;
        }

        @Override
        public String logDir() {
            return "";
        }

        @Override
        public long logBytes() {
            return 0;
        }
    };

    /** The snapshot directory's absolute path. */
    String snapshotDir();

    /** Bytes of every file under {@link #snapshotDir()}. */
    long snapshotBytes();

    /** The log directory's absolute path. */
    String logDir();

    /** Bytes of every file under {@link #logDir()}, preallocated segments at their full length. */
    long logBytes();
}
