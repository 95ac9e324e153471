package dev.cachai.consensus;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who votes and who only learns. Changes go through the log one server at a time, so any
 * majority of the old voters intersects any majority of the new ones.
 */
public record Membership(Set<Integer> voters, Set<Integer> learners) {

    public static final int MEMBERS_MAX = 64;

    public Membership {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        Invariants.check(!voters.isEmpty(), "membership without voters");
        Invariants.check(voters.size() + learners.size() <= MEMBERS_MAX, "too many members");
        for (int learner : learners) {
            Invariants.check(!voters.contains(learner), "node " + learner + " is voter and learner");
        }
    }

    public static Membership ofVoters(Set<Integer> voters) {
        return new Membership(voters, Set.of());
    }

    public boolean isVoter(int nodeId) {
        return voters.contains(nodeId);
    }

    public boolean isMember(int nodeId) {
        return voters.contains(nodeId) || learners.contains(nodeId);
    }

    public int quorumSize() {
        return voters.size() / 2 + 1;
    }

    public Set<Integer> members() {
        Set<Integer> all = new TreeSet<>(voters);
        all.addAll(learners);
        return all;
    }

    public Membership apply(MembershipChange change) {
        Set<Integer> newVoters = new TreeSet<>(voters);
        Set<Integer> newLearners = new TreeSet<>(learners);
        if (change instanceof MembershipChange.AddLearner) {
            newLearners.add(change.nodeId());
        } else if (change instanceof MembershipChange.PromoteLearner) {
            newLearners.remove(change.nodeId());
            newVoters.add(change.nodeId());
        } else {
            newLearners.remove(change.nodeId());
            newVoters.remove(change.nodeId());
        }
        return new Membership(newVoters, newLearners);
    }

    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 * (voters.size() + learners.size()));
        buffer.putInt(voters.size());
        voters.forEach(buffer::putInt);
        buffer.putInt(learners.size());
        learners.forEach(buffer::putInt);
        return buffer.array();
    }

    public static Membership decode(ByteBuffer buffer) {
        return new Membership(readIds(buffer), readIds(buffer));
    }

    public static Membership decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    private static Set<Integer> readIds(ByteBuffer buffer) {
        int count = buffer.getInt();
        Invariants.check(count >= 0 && count <= MEMBERS_MAX, "bad member count " + count);
        Set<Integer> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(buffer.getInt());
        }
        return ids;
    }
}
