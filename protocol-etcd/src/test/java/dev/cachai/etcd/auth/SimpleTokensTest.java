package dev.cachai.etcd.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** etcd's simple tokens on a simulated clock: --auth-token-ttl after the last use, renewed by each use. */
class SimpleTokensTest {
    private final AtomicLong clockMs = new AtomicLong(1_000_000);

    @Test
    void aTokenLivesTheConfiguredTtlAfterItWasIssued() {
        TokenProvider tokens = AuthTokenConfig.SIMPLE.provider(7, clockMs::get);
        String token = tokens.assign("alice", 1);
        String idle = tokens.assign("bob", 1);

        clockMs.addAndGet(7_000);
        // etcd drops a token once the clock is past its deadline, not at it; this use renews it.
        assertThat(tokens.info(token)).isNotNull();
        clockMs.addAndGet(1);
        assertThat(tokens.info(idle)).isNull();
        clockMs.addAndGet(6_999);
        assertThat(tokens.info(token)).isNotNull();
        clockMs.addAndGet(7_001);
        assertThat(tokens.info(token)).isNull();
    }

    @Test
    void eachUseRenewsTheTtlAsEtcdsResetSimpleTokenDoes() {
        TokenProvider tokens = AuthTokenConfig.SIMPLE.provider(300, clockMs::get);
        String token = tokens.assign("alice", 1);
        for (int i = 0; i < 5; i++) {
            clockMs.addAndGet(299_000);
            assertThat(tokens.info(token).user()).isEqualTo("alice");
        }
        clockMs.addAndGet(300_001);
        assertThat(tokens.info(token)).isNull();
        clockMs.addAndGet(-300_001);
        assertThat(tokens.info(token)).as("an expired token stays forgotten").isNull();
    }

    @Test
    void anotherTtlGivesAnotherLifetime() {
        TokenProvider shortLived = AuthTokenConfig.SIMPLE.provider(1, clockMs::get);
        TokenProvider longLived = AuthTokenConfig.SIMPLE.provider(3_600, clockMs::get);
        String a = shortLived.assign("alice", 1);
        String b = longLived.assign("alice", 1);
        clockMs.addAndGet(1_001);
        assertThat(shortLived.info(a)).isNull();
        assertThat(longLived.info(b)).isNotNull();
    }
}
