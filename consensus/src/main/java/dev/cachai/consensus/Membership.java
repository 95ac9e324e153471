package dev.cachai.consensus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who votes and who only learns. Changes go through the log one server at a time, so any
 * majority of the old voters intersects any majority of the new ones.
 *
 * <p>{@code metadata} is opaque text per member that travels with the membership (in its log
 * entries, snapshot markers and InstallSnapshot) and is never read here: the server keeps a
 * member's name and addresses there, so every replica knows whom to dial.
 */
public record Membership(Set<Integer> voters, Set<Integer> learners, Map<Integer, String> metadata) {

    public static final int MEMBERS_MAX = 64;
    /** Opaque metadata of one member, in UTF-8 bytes. */
    public static final int METADATA_BYTES_MAX = 4096;

    public Membership {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        Invariants.check(!voters.isEmpty(), "membership without voters");
        Invariants.check(voters.size() + learners.size() <= MEMBERS_MAX, "too many members");
        for (int learner : learners) {
            Invariants.check(!voters.contains(learner), "node " + learner + " is voter and learner");
        }
        for (Map.Entry<Integer, String> m : metadata.entrySet()) {
            Invariants.check(voters.contains(m.getKey()) || learners.contains(m.getKey()),
                    "metadata for node " + m.getKey() + ", not a member");
            Invariants.check(utf8(m.getValue()).length <= METADATA_BYTES_MAX, "member metadata above the limit");
        }
    }

    public Membership(Set<Integer> voters, Set<Integer> learners) {
        this(voters, learners, Map.of());
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

    /** The member's metadata, empty when none was recorded. */
    public String metadataOf(int nodeId) {
        return metadata.getOrDefault(nodeId, "");
    }

    public Membership apply(MembershipChange change) {
        Set<Integer> newVoters = new TreeSet<>(voters);
        Set<Integer> newLearners = new TreeSet<>(learners);
        Map<Integer, String> newMetadata = new TreeMap<>(metadata);
        int id = change.nodeId();
        if (change instanceof MembershipChange.AddLearner add) {
            newLearners.add(id);
            putMetadata(newMetadata, id, add.metadata());
        } else if (change instanceof MembershipChange.PromoteLearner) {
            newLearners.remove(id);
            newVoters.add(id);
        } else if (change instanceof MembershipChange.UpdateMetadata update) {
            putMetadata(newMetadata, id, update.metadata());
        } else {
            newLearners.remove(id);
            newVoters.remove(id);
            newMetadata.remove(id);
        }
        return new Membership(newVoters, newLearners, newMetadata);
    }

    private static void putMetadata(Map<Integer, String> metadata, int id, String value) {
        if (value.isEmpty()) {
            metadata.remove(id);
        } else {
            metadata.put(id, value);
        }
    }

    /** {@code [voters][learners][metadata count][(id, length, utf8)...]}; the last part may be absent in old logs. */
    public byte[] encode() {
        int size = 12 + 4 * (voters.size() + learners.size());
        for (String value : metadata.values()) {
            size += 8 + utf8(value).length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(voters.size());
        voters.forEach(buffer::putInt);
        buffer.putInt(learners.size());
        learners.forEach(buffer::putInt);
        buffer.putInt(metadata.size());
        for (Map.Entry<Integer, String> m : metadata.entrySet()) {
            byte[] bytes = utf8(m.getValue());
            buffer.putInt(m.getKey()).putInt(bytes.length).put(bytes);
        }
        return buffer.array();
    }

    /** Reads one membership; the buffer must end where the membership ends. */
    public static Membership decode(ByteBuffer buffer) {
        Set<Integer> voters = readIds(buffer);
        Set<Integer> learners = readIds(buffer);
        Map<Integer, String> metadata = new TreeMap<>();
        if (buffer.hasRemaining()) {
            int count = buffer.getInt();
            Invariants.check(count >= 0 && count <= MEMBERS_MAX, "bad metadata count " + count);
            for (int i = 0; i < count; i++) {
                int id = buffer.getInt();
                int length = buffer.getInt();
                Invariants.check(length >= 0 && length <= METADATA_BYTES_MAX && length <= buffer.remaining(),
                        "bad metadata length " + length);
                byte[] bytes = new byte[length];
                buffer.get(bytes);
                metadata.put(id, new String(bytes, StandardCharsets.UTF_8));
            }
        }
        return new Membership(voters, learners, metadata);
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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
