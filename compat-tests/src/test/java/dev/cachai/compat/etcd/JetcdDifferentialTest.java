package dev.cachai.compat.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same jetcd scenarios against Cachai and a real etcd: values, revisions relative to the
 * first write, error texts and watch events must be identical.
 */
class JetcdDifferentialTest {
    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String str(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void kubernetesAccessPatternMatchesEtcd() throws Exception {
        try (Targets.Target etcd = Targets.realEtcd()) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            List<String> expected = run(etcd);
            // The adapter alone (engine applied synchronously) and the whole server must both match.
            try (Targets.Target adapter = Targets.cachaiAdapter()) {
                assertThat(run(adapter)).containsExactlyElementsOf(expected);
            }
            try (Targets.Target cachai = Targets.cachai()) {
                List<String> actual = run(cachai);
                assertThat(actual).containsExactlyElementsOf(expected);
                assertThat(expected).hasSizeGreaterThan(15)
                        .contains("old read: OUT_OF_RANGE: etcdserver: mvcc: required revision has been compacted");
            }
        }
    }

    private static List<String> run(Targets.Target target) throws Exception {
        List<String> log = new ArrayList<>();
        try (Client client = Client.builder().endpoints(target.endpoint()).build()) {
            KV kv = client.getKVClient();
            long base = kv.put(bs("/registry/base"), bs("0")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
            List<String> events = new CopyOnWriteArrayList<>();
            Watch.Watcher watcher = client.getWatchClient().watch(bs("/registry/pods/"),
                    WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(base + 1).build(),
                    Watch.listener(r -> r.getEvents().forEach(e -> events.add(e.getEventType() + " "
                            + str(e.getKeyValue().getKey()) + "=" + str(e.getKeyValue().getValue()) + " rev+"
                            + (e.getKeyValue().getModRevision() - base) + " prev=" + str(e.getPrevKV().getValue())))));
            // OptimisticPut create (expected mod revision 0), then update on the right and a wrong revision.
            for (String pod : new String[] {"a", "b", "c"}) {
                log.add("create " + pod + " " + describe(optimisticPut(kv, "/registry/pods/" + pod, "v1-" + pod, 0), base));
            }
            GetResponse a = kv.get(bs("/registry/pods/a")).get(5, TimeUnit.SECONDS);
            long aRev = a.getKvs().get(0).getModRevision();
            log.add("update " + describe(optimisticPut(kv, "/registry/pods/a", "v2-a", aRev), base));
            log.add("stale " + describe(optimisticPut(kv, "/registry/pods/a", "v3-a", aRev), base));
            // Paginated list with continue key = last key + \0, and a count-only list.
            GetResponse page1 = kv.get(bs("/registry/pods/"), GetOption.builder().isPrefix(true).withLimit(2).build())
                    .get(5, TimeUnit.SECONDS);
            log.add("page1 " + keys(page1.getKvs()) + " more=" + page1.isMore() + " count=" + page1.getCount());
            String last = str(page1.getKvs().get(1).getKey()) + "\0";
            GetResponse page2 = kv.get(bs(last), GetOption.builder().withRange(bs("/registry/pods0")).withLimit(2)
                    .withRevision(page1.getHeader().getRevision()).build()).get(5, TimeUnit.SECONDS);
            log.add("page2 " + keys(page2.getKvs()) + " more=" + page2.isMore());
            GetResponse count = kv.get(bs("/registry/pods/"), GetOption.builder().isPrefix(true).withCountOnly(true).build())
                    .get(5, TimeUnit.SECONDS);
            log.add("count " + count.getCount() + " kvs=" + count.getKvs().size());
            // OptimisticDelete and a prefix delete with prev_kv.
            long bRev = kv.get(bs("/registry/pods/b")).get(5, TimeUnit.SECONDS).getKvs().get(0).getModRevision();
            TxnResponse del = kv.txn().If(new Cmp(bs("/registry/pods/b"), Cmp.Op.EQUAL, CmpTarget.modRevision(bRev)))
                    .Then(Op.delete(bs("/registry/pods/b"), DeleteOption.DEFAULT))
                    .Else(Op.get(bs("/registry/pods/b"), GetOption.DEFAULT)).commit().get(5, TimeUnit.SECONDS);
            log.add("delete b " + del.isSucceeded() + " deleted=" + del.getDeleteResponses().get(0).getDeleted());
            long headRev = kv.get(bs("/registry/base")).get(5, TimeUnit.SECONDS).getHeader().getRevision();
            // Compaction as the apiserver does it, then reads below it fail with etcd's text.
            kv.compact(headRev - 1).get(5, TimeUnit.SECONDS);
            log.add("old read: " + error(() -> kv.get(bs("/registry/pods/a"),
                    GetOption.builder().withRevision(base).build()).get(5, TimeUnit.SECONDS)));
            log.add("future read: " + error(() -> kv.get(bs("/registry/pods/a"),
                    GetOption.builder().withRevision(headRev + 100).build()).get(5, TimeUnit.SECONDS)));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 5);
            watcher.close();
            log.addAll(events);
            // Leases: grant, attach, time to live, revoke deletes the key.
            long lease = client.getLeaseClient().grant(30).get(5, TimeUnit.SECONDS).getID();
            kv.put(bs("/registry/events/e1"), bs("x"), PutOption.builder().withLeaseId(lease).build()).get(5, TimeUnit.SECONDS);
            var ttl = client.getLeaseClient().timeToLive(lease, io.etcd.jetcd.options.LeaseOption.builder().withAttachedKeys().build())
                    .get(5, TimeUnit.SECONDS);
            log.add("lease granted=" + ttl.getGrantedTTL() + " keys=" + ttl.getKeys().stream().map(JetcdDifferentialTest::str).toList());
            client.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
            log.add("after revoke count=" + kv.get(bs("/registry/events/e1")).get(5, TimeUnit.SECONDS).getCount());
        }
        return log;
    }

    private static TxnResponse optimisticPut(KV kv, String key, String value, long expectedModRevision) throws Exception {
        return kv.txn().If(new Cmp(bs(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.put(bs(key), bs(value), PutOption.DEFAULT))
                .Else(Op.get(bs(key), GetOption.DEFAULT)).commit().get(5, TimeUnit.SECONDS);
    }

    private static String describe(TxnResponse r, long base) {
        String detail = r.isSucceeded() ? "put" : "current=" + keysValues(r.getGetResponses().get(0).getKvs());
        return r.isSucceeded() + " rev+" + (r.getHeader().getRevision() - base) + " " + detail;
    }

    private static String keys(List<KeyValue> kvs) {
        return kvs.stream().map(k -> str(k.getKey())).toList().toString();
    }

    private static String keysValues(List<KeyValue> kvs) {
        return kvs.stream().map(k -> str(k.getKey()) + "=" + str(k.getValue()) + "@v" + k.getVersion()).toList().toString();
    }

    interface Call {
        Object run() throws Exception;
    }

    static String error(Call call) {
        try {
            call.run();
            return "no error";
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
