package dev.cachai.server.cluster;

import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.Put;
import org.junit.jupiter.api.Test;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntryPayloadTest {
    private static final Command PUT = Put.of(utf8("key"), utf8("a value of some length"));

    @Test
    void aProposalCarriesItsOriginAndCommandAndNoTimeUntilStamped() {
        byte[] payload = EntryPayload.encode(7, 42, PUT);
        assertThat(EntryPayload.header(payload)).isEqualTo(new EntryPayload.Header(7, 42, 0));
        assertThat(EntryPayload.command(payload)).usingRecursiveComparison().isEqualTo(PUT);
    }

    @Test
    void stampingSetsTheTimeOnACopyAndLeavesTheRestAlone() {
        byte[] payload = EntryPayload.encode(-3, Long.MAX_VALUE, PUT);
        byte[] before = payload.clone();
        byte[] stamped = EntryPayload.stamped(payload, 1_700_000_000_123L);
        assertThat(payload).isEqualTo(before);
        assertThat(EntryPayload.header(stamped)).isEqualTo(new EntryPayload.Header(-3, Long.MAX_VALUE, 1_700_000_000_123L));
        assertThat(EntryPayload.command(stamped)).usingRecursiveComparison().isEqualTo(PUT);
    }

    @Test
    void anUnknownVersionOrAShortPayloadIsRefused() {
        byte[] payload = EntryPayload.encode(1, 1, PUT);
        payload[0] = 9;
        assertThatThrownBy(() -> EntryPayload.header(payload)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version 9");
        assertThatThrownBy(() -> EntryPayload.header(new byte[20])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> EntryPayload.stamped(new byte[3], 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
