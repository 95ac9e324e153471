package dev.cachai.compat.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Maintenance;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.cachai.compat.etcd.JetcdDifferentialTest.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction at the edges of a fresh store, through jetcd against a new Cachai and a new real
 * etcd: etcd's store starts compacted at -1, so HashKV reports -1 and a compaction at revision 0
 * succeeds once.
 */
class CompactionDifferentialTest {

    @Test
    void aFreshStoreCompactsAsEtcdDoes() throws Exception {
        assertThat(Targets.sameOnCachaiAsOnEtcd(CompactionDifferentialTest::run))
                .contains("fresh: compacted=-1", "compact 0: no error");
    }

    private static List<String> run(Targets.Target target) throws Exception {
        List<String> out = new ArrayList<>();
        try (Client client = Client.builder().endpoints(target.endpoint()).build()) {
            KV kv = client.getKVClient();
            Maintenance maintenance = client.getMaintenanceClient();
            String member = target.endpoint().replace("http://", "");
            out.add("fresh: compacted=" + maintenance.hashKV(member, 0).get(10, TimeUnit.SECONDS).getCompacted());
            out.add("compact -1: " + error(() -> kv.compact(-1).get(10, TimeUnit.SECONDS)));
            out.add("compact 0: " + error(() -> kv.compact(0).get(10, TimeUnit.SECONDS)));
            out.add("after: compacted=" + maintenance.hashKV(member, 0).get(10, TimeUnit.SECONDS).getCompacted());
            out.add("compact 0 again: " + error(() -> kv.compact(0).get(10, TimeUnit.SECONDS)));
            out.add("compact 1: " + error(() -> kv.compact(1).get(10, TimeUnit.SECONDS)));
            out.add("compact 2: " + error(() -> kv.compact(2).get(10, TimeUnit.SECONDS)));
        }
        return out;
    }
}
