package dev.cachai.consensus;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A leader's read lease, measured in its own ticks. Every heartbeat is a numbered round; a
 * follower that answers round r received it after the tick in which r was sent, and from then on
 * refuses to help elect another leader for {@code electionTicks} of its own ticks. So once a
 * quorum answered round r, no other leader can exist until {@link PaxosConfig#leaseTicks()}
 * after r was sent (clock assumptions in {@link PaxosConfig#leaseTicks()}).
 *
 * <p>Only the first round sent in each tick is remembered, and only while young enough to
 * matter: at most {@code leaseTicks} records.
 */
final class ReadLease {

    private record RoundsFrom(long firstRound, long sentTick) {
    }

    private final int leaseTicks;
    private final Deque<RoundsFrom> recentRounds = new ArrayDeque<>();
    private long nowTicks;

    ReadLease(int leaseTicks) {
        this.leaseTicks = leaseTicks;
    }

    void tick() {
        nowTicks++;
        while (!recentRounds.isEmpty() && expired(recentRounds.peekFirst().sentTick())) {
            recentRounds.pollFirst();
        }
    }

    void onRoundSent(long round) {
        RoundsFrom last = recentRounds.peekLast();
        if (last == null || last.sentTick() != nowTicks) {
            recentRounds.addLast(new RoundsFrom(round, nowTicks));
        }
    }

    /** True while round {@code answeredByQuorum} was sent less than {@code leaseTicks} ago. */
    boolean heldAfter(long answeredByQuorum) {
        long sentTick = -1;
        for (RoundsFrom rounds : recentRounds) {
            if (rounds.firstRound() > answeredByQuorum) {
                break;
            }
            sentTick = rounds.sentTick();
        }
        return sentTick >= 0 && !expired(sentTick);
    }

    private boolean expired(long sentTick) {
        return nowTicks - sentTick >= leaseTicks;
    }
}
