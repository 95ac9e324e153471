package dev.cachai.consensus;

/** The leader's view of one follower: how much it holds and what is on the wire to it. */
final class Progress {

    long matchIndex;
    long nextIndex;
    int acceptsInflight;
    long commitIndex;
    long readSeqAcked;
    boolean recentlyActive;
    /** Ticks since the follower last answered anything; starts as if just heard (a new leader's grace). */
    int ticksSinceHeard;
    int ticksSinceProgress;
    SnapshotTransfer snapshot;

    Progress(long matchIndex, long nextIndex) {
        this.matchIndex = matchIndex;
        this.nextIndex = nextIndex;
    }

    /** The follower answered (an Accepted, a heartbeat or snapshot ack). */
    void heard() {
        recentlyActive = true;
        ticksSinceHeard = 0;
    }

    /** Lost messages leave the window full forever; resend from what the follower confirmed. */
    void rewind() {
        nextIndex = matchIndex + 1;
        acceptsInflight = 0;
        ticksSinceProgress = 0;
    }

    boolean advanceMatch(long newMatch) {
        if (newMatch <= matchIndex) {
            return false;
        }
        matchIndex = newMatch;
        nextIndex = Math.max(nextIndex, newMatch + 1);
        ticksSinceProgress = 0;
        return true;
    }
}
