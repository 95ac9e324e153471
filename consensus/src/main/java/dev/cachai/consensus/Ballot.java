package dev.cachai.consensus;

/**
 * A Paxos ballot: rounds order ballots, and the node id breaks ties so that two proposers never
 * share a ballot. A node must persist a ballot before it promises or proposes with it.
 */
public record Ballot(long round, int nodeId) implements Comparable<Ballot> {

    /** Lower than any ballot a node can use: nothing has been promised yet. */
    public static final Ballot ZERO = new Ballot(0, 0);

    public Ballot {
        Invariants.check(round >= 0, "ballot round is negative");
    }

    @Override
    public int compareTo(Ballot other) {
        int byRound = Long.compare(round, other.round);
        return byRound != 0 ? byRound : Integer.compare(nodeId, other.nodeId);
    }

    public boolean isAbove(Ballot other) {
        return compareTo(other) > 0;
    }

    public boolean isBelow(Ballot other) {
        return compareTo(other) < 0;
    }

    @Override
    public String toString() {
        return round + "." + nodeId;
    }
}
