package dev.cachai.server.driver;

/**
 * etcd's revision mode: every check period (5 minutes in etcd) compact to the current revision
 * minus the retained count, unless that is not above 0 or is the revision last compacted to.
 */
final class RevisionCompactor implements AutoCompactor {
    private final long retained;
    private final Schedule checks;
    /** The target of the last compaction that happened; etcd skips asking for it again. */
    private long lastCompacted;
    private long asked;

    RevisionCompactor(long retained, long checkIntervalMs, long startMs) {
        if (retained < 1 || checkIntervalMs < 1) {
            throw new IllegalArgumentException("need retained >= 1 and checkIntervalMs >= 1");
        }
        this.retained = retained;
        this.checks = new Schedule(startMs, checkIntervalMs);
    }

    @Override
    public synchronized long poll(long nowMs, long revision) {
        if (!checks.due(nowMs)) {
            return NONE;
        }
        long target = revision - retained;
        if (target <= 0 || target == lastCompacted) {
            return NONE;
        }
        asked = target;
        return target;
    }

    @Override
    public synchronized void compacted() {
        lastCompacted = asked;
    }
}
