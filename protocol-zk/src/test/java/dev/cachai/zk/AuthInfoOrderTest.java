package dev.cachai.zk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuthInfoOrderTest {
    private static final AuthInfoOrder.Entry IP = new AuthInfoOrder.Entry("ip", "127.0.0.1", "127.0.0.1");
    private static final AuthInfoOrder.Entry BOB = digest("bob:pw");
    private static final AuthInfoOrder.Entry SUPER_DIGEST = digest("super:superpw");
    private static final AuthInfoOrder.Entry SUPER = new AuthInfoOrder.Entry("super", "", "");

    private static AuthInfoOrder.Entry digest(String credentials) {
        String id = DigestAuth.idFor(credentials);
        return new AuthInfoOrder.Entry("digest", id, DigestAuth.userOf(id));
    }

    /** What ZooKeeper 3.9.5's whoAmI answered for these ids (the differential suite's run). */
    @Test
    void followsWhatZooKeeperAnswered() {
        assertThat(AuthInfoOrder.asZooKeeperLists(List.of(IP, BOB))).containsExactly(BOB, IP);
        assertThat(AuthInfoOrder.asZooKeeperLists(List.of(IP, BOB, SUPER, SUPER_DIGEST)))
                .containsExactly(BOB, SUPER_DIGEST, SUPER, IP);
    }

    @Test
    void idsOfOneBinKeepTheOrderTheyWereAddedIn() {
        List<AuthInfoOrder.Entry> sameBin = new ArrayList<>();
        int bin = AuthInfoOrder.bin(AuthInfoOrder.idHash("ip", "10.0.0.0"), AuthInfoOrder.TABLE_SIZE_MIN);
        for (int i = 1; sameBin.size() < 3; i++) {
            String id = "10.0.0." + i;
            if (AuthInfoOrder.bin(AuthInfoOrder.idHash("ip", id), AuthInfoOrder.TABLE_SIZE_MIN) == bin) {
                sameBin.add(new AuthInfoOrder.Entry("ip", id, id));
            }
        }
        assertThat(AuthInfoOrder.asZooKeeperLists(sameBin)).containsExactlyElementsOf(sameBin);
        assertThat(AuthInfoOrder.asZooKeeperLists(List.of(sameBin.get(2), sameBin.get(0))))
                .containsExactly(sameBin.get(2), sameBin.get(0));
    }

    @Test
    void theTableGrowsPastThreeQuartersFull() {
        assertThat(AuthInfoOrder.tableSize(0)).isEqualTo(16);
        assertThat(AuthInfoOrder.tableSize(11)).isEqualTo(16);
        assertThat(AuthInfoOrder.tableSize(12)).isEqualTo(32);
        assertThat(AuthInfoOrder.tableSize(24)).isEqualTo(64);
    }

    @Test
    void theHashIsJuteIdsHash() {
        assertThat(AuthInfoOrder.idHash("ip", "127.0.0.1"))
                .isEqualTo(new org.apache.zookeeper.data.Id("ip", "127.0.0.1").hashCode());
        assertThat(AuthInfoOrder.idHash("super", "")).isEqualTo(new org.apache.zookeeper.data.Id("super", "").hashCode());
    }
}
