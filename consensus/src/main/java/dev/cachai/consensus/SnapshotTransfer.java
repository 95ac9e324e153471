package dev.cachai.consensus;

/** A snapshot being streamed to one follower, one chunk at a time (stop and wait). */
final class SnapshotTransfer {

    final SnapshotSource.SnapshotInfo info;
    final Membership membership;
    long offset;
    int ticksSinceAck;

    SnapshotTransfer(SnapshotSource.SnapshotInfo info, Membership membership) {
        this.info = info;
        this.membership = membership;
    }

    long index() {
        return info.index();
    }

    boolean isLastChunk(int chunkBytes) {
        return offset + chunkBytes >= info.sizeBytes();
    }
}
