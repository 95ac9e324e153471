package dev.cachai.consensus.message;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.Entry;
import dev.cachai.consensus.Membership;
import java.util.List;

/** Everything nodes say to each other. Each message names its sender and its recipient. */
public sealed interface Message {

    int from();

    int to();

    /** "Could I win an election with this round?" Changes nothing at the recipient. */
    record PreVoteRequest(int from, int to, long round, long commitIndex) implements Message {
    }

    record PreVoteResponse(int from, int to, long round, boolean granted, long promisedRound) implements Message {
    }

    /** Phase 1a for every slot from {@code fromIndex} on. {@code transfer} marks a leader handoff. */
    record Prepare(int from, int to, Ballot ballot, long fromIndex, long commitIndex, boolean transfer)
            implements Message {
    }

    /**
     * Phase 1b: the acceptor promised {@code ballot} and reports what it accepted from the
     * Prepare's {@code fromIndex}, one bounded page at a time; when {@code complete} is false the
     * candidate asks for the rest with another Prepare starting after the last entry.
     */
    record Promise(int from, int to, Ballot ballot, long commitIndex, List<Entry> accepted, boolean complete)
            implements Message {
        public Promise {
            accepted = List.copyOf(accepted);
        }
    }

    /** The recipient's ballot {@code rejected} lost to {@code promised}, or its log was too far behind. */
    record Reject(int from, int to, Ballot rejected, Ballot promised, long commitIndex) implements Message {
    }

    /** Phase 2a for a run of slots, plus the leader's commit index. */
    record Accept(int from, int to, Ballot ballot, long commitIndex, List<Entry> entries) implements Message {
        public Accept {
            entries = List.copyOf(entries);
        }
    }

    /**
     * Phase 2b. {@code matchIndex} is the end of the prefix the acceptor holds with the leader's
     * values; {@code lastIndex} is the last slot of the Accept being answered.
     */
    record Accepted(int from, int to, Ballot ballot, long matchIndex, long lastIndex, long commitIndex)
            implements Message {
    }

    /**
     * {@code releasableIndex}: every member holds the leader's values through it, so a member that
     * has applied a slot at or below it may drop it from memory (see {@code AcceptorLog.release}).
     */
    record Heartbeat(int from, int to, Ballot ballot, long commitIndex, long readSeq, long releasableIndex)
            implements Message {
    }

    record HeartbeatAck(int from, int to, Ballot ballot, long matchIndex, long commitIndex, long readSeq)
            implements Message {
    }

    /** A follower asks the leader for a read index on behalf of its client. */
    record ReadIndexRequest(int from, int to, byte[] context) implements Message {
    }

    /** {@code index} is meaningful only when {@code granted}. */
    record ReadIndexResponse(int from, int to, byte[] context, long index, boolean granted) implements Message {
    }

    /**
     * The leader hands over: the recipient, which holds the whole log, adopts the leader's commit
     * index (so voters do not refuse it as behind) and campaigns at once, skipping pre-vote.
     */
    record TimeoutNow(int from, int to, Ballot ballot, long commitIndex) implements Message {
    }

    /** One chunk of a snapshot; {@code chunkCrc32c} guards the chunk, {@code snapshotCrc32c} the whole. */
    record InstallSnapshot(int from, int to, Ballot ballot, long snapshotIndex, Membership membership,
            long offset, byte[] chunk, int chunkCrc32c, boolean last, long snapshotBytes, int snapshotCrc32c)
            implements Message {
    }

    /** {@code nextOffset} is the byte the follower wants next; {@code installed} ends the transfer. */
    record InstallSnapshotAck(int from, int to, Ballot ballot, long snapshotIndex, long nextOffset,
            boolean installed) implements Message {
    }
}
