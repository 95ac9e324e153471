package dev.cachai.consensus;

/** What a log slot holds. */
public enum EntryKind {
    /** An opaque client command for the replicated state machine. */
    COMMAND,
    /** Fills a gap found by a new leader, and marks the start of a leadership. */
    NOOP,
    /** A new {@link Membership}, effective once chosen. */
    MEMBERSHIP
}
