package dev.cachai.consensus.sim;

/**
 * What one simulated run achieved, to make sure runs are not vacuous. {@code readsInOneTick}:
 * read-index reads answered in the tick they were asked, which only a lease allows (a heartbeat
 * round takes at least two ticks). {@code appliedBeforeSync}: chosen entries applied before the
 * sync of the Ready that handed them out, or while it was in flight.
 */
public record SimReport(long seed, long slotsChosen, int opsCompleted, long messagesSent, long messagesDropped,
        int leaderships, int crashes, int crashesAfterEarlySend, int snapshotsInstalled, int readsServed,
        int readsInOneTick, int membershipChanges, int transfersStarted, int deferredSyncs,
        long appliedBeforeSync) {
}
