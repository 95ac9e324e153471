package dev.cachai.consensus;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Votes gathered by a pre-candidate, or promises gathered by a candidate in phase 1. */
final class Election {

    final boolean preVote;
    final long round;
    final Ballot ballot;
    final long fromIndex;
    final Set<Integer> preVotes = new HashSet<>();
    /** Pages of accepted values per voter; a voter's promise counts once its last page arrived. */
    private final Map<Integer, Map<Long, Entry>> promisedEntries = new HashMap<>();
    private final Set<Integer> completePromises = new HashSet<>();
    final Map<Integer, Long> promisedCommitIndexes = new HashMap<>();

    private Election(boolean preVote, long round, Ballot ballot, long fromIndex) {
        this.preVote = preVote;
        this.round = round;
        this.ballot = ballot;
        this.fromIndex = fromIndex;
    }

    static Election preVote(long round) {
        return new Election(true, round, null, 0);
    }

    static Election phaseOne(Ballot ballot, long fromIndex) {
        return new Election(false, ballot.round(), ballot, fromIndex);
    }

    void recordPromise(int voter, long commitIndex, List<Entry> acceptedPage, boolean complete) {
        Map<Long, Entry> accepted = promisedEntries.computeIfAbsent(voter, v -> new HashMap<>());
        for (Entry entry : acceptedPage) {
            accepted.put(entry.index(), entry);
        }
        promisedCommitIndexes.put(voter, commitIndex);
        if (complete) {
            completePromises.add(voter);
        }
    }

    int promiseCount() {
        return completePromises.size();
    }

    /**
     * The value phase 2 must propose in each slot: the one accepted in the highest ballot by any
     * promiser, or a no-op where nobody accepted anything. Keys run from fromIndex to the last
     * slot any promiser reported.
     */
    Map<Long, Entry> valuesToPropose() {
        Map<Long, Entry> highest = new HashMap<>();
        for (int voter : completePromises) {
            for (Entry entry : promisedEntries.get(voter).values()) {
                Entry current = highest.get(entry.index());
                if (current != null && current.ballot().equals(entry.ballot())) {
                    Invariants.check(current.sameValue(entry), "two values in slot " + entry.index()
                            + " for ballot " + entry.ballot());
                }
                if (current == null || entry.ballot().isAbove(current.ballot())) {
                    highest.put(entry.index(), entry);
                }
            }
        }
        return highest;
    }
}
