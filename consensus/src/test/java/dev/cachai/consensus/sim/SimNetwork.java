package dev.cachai.consensus.sim;

import dev.cachai.consensus.message.Message;
import dev.cachai.consensus.message.MessageCodec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.random.RandomGenerator;

/** Delivers messages after a random delay; may drop, duplicate, reorder, and cut links. */
final class SimNetwork {

    private record InFlight(long deliverAtTick, long sequence, Message message) {
    }

    private static final MessageCodec CODEC = new MessageCodec(16 << 20);

    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>(
            Comparator.comparingLong(InFlight::deliverAtTick).thenComparingLong(InFlight::sequence));
    private final Set<Long> cutLinks = new HashSet<>();
    private final RandomGenerator random;
    private final SimOptions options;
    private long sequence;
    long messagesSent;
    long messagesDropped;

    SimNetwork(RandomGenerator random, SimOptions options) {
        this.random = random;
        this.options = options;
    }

    void send(Message original, long nowTick, boolean faultsEnabled) {
        messagesSent++;
        // Every simulated message crosses the real wire codec.
        Message message = CODEC.decode(CODEC.encode(original));
        if (isCut(message.from(), message.to()) || faultsEnabled && random.nextDouble() < options.dropRate()) {
            messagesDropped++;
            return;
        }
        int copies = faultsEnabled && random.nextDouble() < options.duplicateRate() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = 1 + random.nextInt(faultsEnabled ? options.delayTicksMax() : 1);
            inFlight.add(new InFlight(nowTick + delay, sequence++, message));
        }
    }

    List<Message> takeDue(long nowTick) {
        List<Message> due = new ArrayList<>();
        while (!inFlight.isEmpty() && inFlight.peek().deliverAtTick() <= nowTick) {
            Message message = inFlight.poll().message();
            if (!isCut(message.from(), message.to())) {
                due.add(message);
            }
        }
        return due;
    }

    /** Splits the nodes in two sides that cannot talk to each other. */
    void partition(Set<Integer> side, List<Integer> allNodes) {
        cutLinks.clear();
        for (int a : allNodes) {
            for (int b : allNodes) {
                if (side.contains(a) != side.contains(b)) {
                    cutLinks.add(link(a, b));
                }
            }
        }
    }

    void heal() {
        cutLinks.clear();
    }

    boolean isPartitioned() {
        return !cutLinks.isEmpty();
    }

    private boolean isCut(int from, int to) {
        return cutLinks.contains(link(from, to));
    }

    private static long link(int from, int to) {
        return ((long) from << 32) | to;
    }
}
