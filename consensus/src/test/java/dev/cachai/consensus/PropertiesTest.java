package dev.cachai.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachai.consensus.message.Message;
import dev.cachai.consensus.message.MessageCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class PropertiesTest {

    private final MessageCodec codec = new MessageCodec(1 << 20);

    @Property
    void ballotsAreTotallyOrderedByRoundThenNode(@ForAll @LongRange(max = 1000) long r1, @ForAll int n1,
            @ForAll @LongRange(max = 1000) long r2, @ForAll int n2) {
        Ballot a = new Ballot(r1, n1);
        Ballot b = new Ballot(r2, n2);
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
        if (r1 != r2) {
            assertThat(a.isAbove(b)).isEqualTo(r1 > r2);
        }
        assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
    }

    @Property
    void membershipSurvivesEncoding(@ForAll @Size(min = 1, max = 9) Set<@IntRange(min = 1, max = 40) Integer> voters,
            @ForAll @Size(max = 5) Set<@IntRange(min = 41, max = 60) Integer> learners) {
        Membership membership = new Membership(voters, learners);
        assertThat(Membership.decode(membership.encode())).isEqualTo(membership);
    }

    @Property
    void membershipMetadataSurvivesEncoding(@ForAll @Size(min = 1, max = 5) Set<@IntRange(min = 1, max = 40) Integer> voters,
            @ForAll @Size(max = 300) String text) {
        java.util.Map<Integer, String> metadata = new java.util.TreeMap<>();
        voters.forEach(id -> metadata.put(id, text + id));
        Membership membership = new Membership(voters, Set.of(), metadata);
        assertThat(Membership.decode(membership.encode())).isEqualTo(membership);
    }

    @Property
    void acceptsSurviveTheWire(@ForAll @LongRange(min = 1, max = 1 << 40) long firstIndex,
            @ForAll @Size(max = 20) List<@Size(max = 300) byte[]> commands,
            @ForAll @LongRange(max = 1 << 20) long round, @ForAll @IntRange(min = 1, max = 9) int leader) {
        Ballot ballot = new Ballot(round, leader);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            entries.add(new Entry(firstIndex + i, ballot, EntryKind.COMMAND, commands.get(i)));
        }
        Message.Accept accept = new Message.Accept(leader, 10, ballot, firstIndex - 1, entries);
        Message decoded = codec.decode(codec.encode(accept));
        assertThat(decoded).isEqualTo(accept);
    }
}
