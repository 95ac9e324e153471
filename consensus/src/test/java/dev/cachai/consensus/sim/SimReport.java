package dev.cachai.consensus.sim;

/** What one simulated run achieved, to make sure runs are not vacuous. */
public record SimReport(long seed, long slotsChosen, int opsCompleted, long messagesSent, long messagesDropped,
        int leaderships, int crashes, int snapshotsInstalled, int readsServed, int membershipChanges,
        int transfersStarted) {
}
