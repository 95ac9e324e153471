package dev.cachai.consensus.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachai.consensus.Ballot;
import dev.cachai.consensus.Entry;
import dev.cachai.consensus.EntryKind;
import dev.cachai.consensus.Membership;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static final Ballot B = new Ballot(7, 2);
    private final MessageCodec codec = new MessageCodec(1 << 20);

    static List<Message> oneOfEach() {
        byte[] ctx = "read-1".getBytes(StandardCharsets.UTF_8);
        List<Entry> entries = List.of(Entry.noop(5, B),
                new Entry(6, B, EntryKind.COMMAND, "put a 1".getBytes(StandardCharsets.UTF_8)),
                new Entry(7, B, EntryKind.MEMBERSHIP, Membership.ofVoters(Set.of(1, 2, 3)).encode()));
        return List.of(
                new Message.PreVoteRequest(1, 2, 8, 40),
                new Message.PreVoteResponse(2, 1, 8, true, 7),
                new Message.Prepare(2, 3, B, 41, 40, true),
                new Message.Promise(3, 2, B, 40, entries, false),
                new Message.Reject(3, 2, B, new Ballot(9, 1), 44),
                new Message.Accept(2, 3, B, 40, entries),
                new Message.Accepted(3, 2, B, 7, 7, 40),
                new Message.Heartbeat(2, 3, B, 40, 12, 38),
                new Message.HeartbeatAck(3, 2, B, 7, 40, 12),
                new Message.ReadIndexRequest(3, 2, ctx),
                new Message.ReadIndexResponse(2, 3, ctx, 40, true),
                new Message.TimeoutNow(2, 3, B, 40),
                new Message.InstallSnapshot(2, 3, B, 100, new Membership(Set.of(1, 2, 3), Set.of(4)), 64,
                        new byte[] {1, 2, 3}, 77, false, 1000, 99),
                new Message.InstallSnapshotAck(3, 2, B, 100, 67, false));
    }

    @Test
    void everyMessageTypeSurvivesTheRoundTrip() {
        for (Message message : oneOfEach()) {
            byte[] frame = codec.encode(message);
            Message decoded = codec.decode(frame);
            assertThat(decoded.getClass()).isEqualTo(message.getClass());
            assertThat(codec.encode(decoded)).as(message.toString()).isEqualTo(frame);
        }
    }

    @Test
    void framesSplitAtEveryByteDecodeOnceComplete() {
        ByteBuffer stream = ByteBuffer.allocate(1 << 16);
        List<Message> decoded = new ArrayList<>();
        for (Message message : oneOfEach()) {
            for (byte b : codec.encode(message)) {
                stream.put(b);
                stream.flip();
                Message next = codec.tryDecode(stream);
                if (next != null) {
                    decoded.add(next);
                }
                stream.compact();
            }
        }
        assertThat(decoded).extracting(Message::getClass)
                .containsExactlyElementsOf(oneOfEach().stream().map(Message::getClass).toList());
    }

    @Test
    void oversizedFrameIsRefusedFromItsLengthAlone() {
        ByteBuffer header = ByteBuffer.allocate(4).putInt(2 << 20).flip();
        assertThatThrownBy(() -> codec.tryDecode(header)).isInstanceOf(MessageCodecException.class);
        MessageCodec tiny = new MessageCodec(64);
        Message big = new Message.ReadIndexRequest(1, 2, new byte[100]);
        assertThatThrownBy(() -> tiny.encode(big)).isInstanceOf(MessageCodecException.class);
    }

    @Test
    void fieldValuesNoValidMessageCanHaveAreRejectedNotFatal() {
        byte[] frame = codec.encode(new Message.Accept(1, 2, B, 0, List.of(Entry.noop(1, B))));
        byte[] zeroIndex = frame.clone();
        // The entry's slot number sits right after the 4-byte entry count.
        int entryIndexOffset = 4 + 1 + 1 + 4 + 4 + 12 + 8 + 4;
        ByteBuffer.wrap(zeroIndex).putLong(entryIndexOffset, 0);
        assertThatThrownBy(() -> codec.decode(zeroIndex)).isInstanceOf(MessageCodecException.class);
    }

    @Test
    void unknownVersionAndTruncatedFieldsAreRejected() {
        byte[] frame = codec.encode(new Message.Heartbeat(1, 2, B, 3, 4, 2));
        byte[] badVersion = frame.clone();
        badVersion[4] = 9;
        assertThatThrownBy(() -> codec.decode(badVersion)).isInstanceOf(MessageCodecException.class);
        byte[] truncated = frame.clone();
        ByteBuffer.wrap(truncated).putInt(frame.length - 4 - 8);
        assertThatThrownBy(() -> codec.decode(java.util.Arrays.copyOf(truncated, frame.length - 8)))
                .isInstanceOf(MessageCodecException.class);
    }
}
