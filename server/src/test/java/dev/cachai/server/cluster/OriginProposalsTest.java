package dev.cachai.server.cluster;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import dev.cachai.engine.result.Result;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Proposals past their deadline fail with etcd's timeout, are counted, and leave nothing behind. */
class OriginProposalsTest {
    private static final byte[] PAYLOAD = {1};

    @Test
    void expiringCountsAndFailsOnlyTheProposalsPastTheirDeadline() {
        OriginProposals proposals = new OriginProposals();
        CompletableFuture<Result> forwarded = new CompletableFuture<>();
        CompletableFuture<Result> parked = new CompletableFuture<>();
        CompletableFuture<Result> later = new CompletableFuture<>();
        proposals.add(1, forwarded, 100, PAYLOAD, null);
        proposals.add(2, parked, 100, PAYLOAD, null);
        proposals.add(3, later, 200, PAYLOAD, null);
        proposals.park(2);

        assertThat(proposals.expire(99)).isZero();
        assertThat(proposals.expire(150)).isEqualTo(2);

        assertThat(forwarded).isCompletedExceptionally();
        assertThat(parked).isCompletedExceptionally();
        forwarded.exceptionally(e -> {
            assertThat(e).isInstanceOf(GatewayException.class);
            assertThat(((GatewayException) e).error()).isEqualTo(EtcdError.TIMEOUT);
            return null;
        }).join();
        assertThat(later).isNotDone();
        assertThat(proposals.size()).isEqualTo(1);
        assertThat(proposals.anyParked()).isFalse();
        assertThat(proposals.unpark()).isEmpty();
        assertThat(proposals.expire(250)).isEqualTo(1);
        assertThat(proposals.size()).isZero();
    }
}
