package dev.cachai.engine;

import dev.cachai.engine.command.Compact;
import dev.cachai.engine.command.Compare;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Event;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.result.CompactResult;
import dev.cachai.engine.result.DeleteResult;
import dev.cachai.engine.result.Failed;
import dev.cachai.engine.result.PutResult;
import dev.cachai.engine.result.RangeResult;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.TxnResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvApplyTest {
    private final Engine engine = new Engine();
    private final List<Change> changes = new ArrayList<>();

    KvApplyTest() {
        engine.addListener(changes::add);
    }

    private Result put(String k, String v) {
        return engine.apply(1000, Put.of(utf8(k), utf8(v)));
    }

    private RangeResult range(RangeRequest r) throws EngineException {
        return engine.range(r);
    }

    private static List<String> keys(RangeResult r) {
        return r.kvs().stream().map(kv -> Bytes.string(kv.key())).toList();
    }

    @Test
    void revisionsWhoseListenersGaveSeveralThreadsWorkAreCounted() {
        assertThat(Engine.WIDE_FAN_OUT_THREADS_MIN).isEqualTo(2);
        engine.addListener(threadsGivenWork(Map.of(2L, 1, 3L, 1, 4L, 0)));
        engine.addListener(threadsGivenWork(Map.of(2L, 1, 3L, 0, 4L, 0)));
        put("a", "1");
        assertThat(engine.wideFanOuts()).as("two threads, one per listener").isEqualTo(1);
        put("a", "2");
        assertThat(engine.wideFanOuts()).as("one thread").isEqualTo(1);
        engine.apply(1000, new DeleteRange(utf8("absent"), dev.cachai.engine.Bytes.EMPTY, false));
        put("a", "3");
        assertThat(engine.wideFanOuts()).as("none").isEqualTo(1);
    }

    private static ChangeListener threadsGivenWork(Map<Long, Integer> byRevision) {
        return new ChangeListener() {
            @Override
            public void onChange(Change change) {
            }

            @Override
            public int onVisible(long revision) {
                return byRevision.get(revision);
            }
        };
    }

    @Test
    void listenersHearOfARevisionBeforeReadsSeeItAndAgainOnceTheyDo() {
        List<String> heard = new ArrayList<>();
        engine.addListener(new ChangeListener() {
            @Override
            public void onChange(Change change) {
                heard.add("change " + change.revision() + " visible " + engine.revision());
            }

            @Override
            public int onVisible(long revision) {
                heard.add("visible " + revision + " reads " + engine.revision());
                return 0;
            }
        });
        put("a", "1");
        engine.apply(1000, new DeleteRange(utf8("absent"), dev.cachai.engine.Bytes.EMPTY, false));
        put("a", "2");
        assertThat(heard).containsExactly("change 2 visible 1", "visible 2 reads 2",
                "change 3 visible 2", "visible 3 reads 3");
    }

    @Test
    void compactionForgetsDeletedKeysInBothIndexesAndARecreateStartsAfresh() throws EngineException {
        put("gone", "1");
        engine.apply(1000, new DeleteRange(utf8("gone"), dev.cachai.engine.Bytes.EMPTY, false));
        put("other", "x");
        engine.apply(1000, new Compact(engine.revision()));
        assertThat(engine.keyspace().entry(utf8("gone"))).as("point lookup").isNull();
        assertThat(engine.keyspace().ceilingKey(utf8("gone"))).as("ordered").isEqualTo(utf8("other"));
        put("gone", "2");
        assertThat(engine.keyspace().entry(utf8("gone"))).isNotNull();
        assertThat(engine.keyspace().ceilingKey(utf8("gone"))).isEqualTo(utf8("gone"));
        assertThat(range(RangeRequest.key(utf8("gone"))).kvs().get(0).version()).isEqualTo(1);
    }

    @Test
    void emptyStoreStartsAtRevisionOneAndEachPutTakesOneRevision() throws Exception {
        assertThat(engine.revision()).isEqualTo(1);
        PutResult first = (PutResult) put("a", "1");
        assertThat(first.revision()).isEqualTo(2);
        put("a", "2");
        KeyValue kv = range(RangeRequest.key(utf8("a"))).kvs().get(0);
        assertThat(kv.createRevision()).isEqualTo(2);
        assertThat(kv.modRevision()).isEqualTo(3);
        assertThat(kv.version()).isEqualTo(2);
        assertThat(Bytes.string(kv.value())).isEqualTo("2");
    }

    @Test
    void putReturnsPrevKvOnlyWhenAsked() {
        put("a", "1");
        PutResult r = (PutResult) engine.apply(0, new Put(utf8("a"), utf8("2"), 0, true, false, false));
        assertThat(Bytes.string(r.prevKv().value())).isEqualTo("1");
        PutResult r2 = (PutResult) engine.apply(0, Put.of(utf8("a"), utf8("3")));
        assertThat(r2.prevKv()).isNull();
    }

    @Test
    void ignoreValueAndIgnoreLeaseFollowEtcd() throws Exception {
        assertThat(((Failed) engine.apply(0, new Put(utf8("x"), Bytes.EMPTY, 0, false, true, false))).error())
                .isEqualTo(EtcdError.KEY_NOT_FOUND);
        assertThat(((Failed) engine.apply(0, new Put(utf8("x"), utf8("v"), 0, false, true, false))).error())
                .isEqualTo(EtcdError.VALUE_PROVIDED);
        engine.apply(0, new LeaseCommand.Grant(7, 60));
        engine.apply(0, new Put(utf8("x"), utf8("v"), 7, false, false, false));
        engine.apply(0, new Put(utf8("x"), Bytes.EMPTY, 0, false, true, true));
        KeyValue kv = range(RangeRequest.key(utf8("x"))).kvs().get(0);
        assertThat(Bytes.string(kv.value())).isEqualTo("v");
        assertThat(kv.lease()).isEqualTo(7);
        assertThat(kv.version()).isEqualTo(2);
    }

    @Test
    void putWithUnknownLeaseFailsWithoutTakingARevision() {
        Failed f = (Failed) engine.apply(0, new Put(utf8("k"), utf8("v"), 99, false, false, false));
        assertThat(f.error()).isEqualTo(EtcdError.LEASE_NOT_FOUND);
        assertThat(f.error().message()).isEqualTo("etcdserver: requested lease not found");
        assertThat(engine.revision()).isEqualTo(1);
    }

    @Test
    void rangeEndConventions() throws Exception {
        for (String k : List.of("a", "ab", "abc", "b", "c")) {
            put(k, k);
        }
        assertThat(keys(range(RangeRequest.prefix(utf8("ab"))))).containsExactly("ab", "abc");
        assertThat(keys(range(RangeRequest.range(utf8("ab"), new byte[] {0})))).containsExactly("ab", "abc", "b", "c");
        assertThat(keys(range(RangeRequest.range(new byte[] {0}, new byte[] {0})))).hasSize(5);
        assertThat(keys(range(RangeRequest.range(utf8("b"), utf8("a"))))).isEmpty();
        assertThat(keys(range(RangeRequest.key(utf8("zz"))))).isEmpty();
    }

    @Test
    void limitMoreAndCountIgnoreTheLimit() throws Exception {
        for (int i = 0; i < 5; i++) {
            put("k" + i, "v");
        }
        RangeResult r = range(RangeRequest.prefix(utf8("k")).withLimit(2));
        assertThat(keys(r)).containsExactly("k0", "k1");
        assertThat(r.more()).isTrue();
        assertThat(r.count()).isEqualTo(5);
        RangeResult all = range(RangeRequest.prefix(utf8("k")).withLimit(5));
        assertThat(all.more()).isFalse();
    }

    @Test
    void sortOrdersAndTargets() throws Exception {
        put("b", "1");
        put("a", "3");
        put("c", "2");
        put("b", "x");
        RangeRequest byKeyDesc = new RangeRequest(new byte[] {0}, new byte[] {0}, 0, 0, RangeRequest.SortOrder.DESCEND,
                RangeRequest.SortTarget.KEY, false, false, 0, 0, 0, 0);
        assertThat(keys(range(byKeyDesc))).containsExactly("c", "b", "a");
        RangeRequest byModNone = new RangeRequest(new byte[] {0}, new byte[] {0}, 0, 0, RangeRequest.SortOrder.NONE,
                RangeRequest.SortTarget.MOD, false, false, 0, 0, 0, 0);
        assertThat(keys(range(byModNone))).containsExactly("a", "c", "b");
        RangeRequest byValueDescLimit = new RangeRequest(new byte[] {0}, new byte[] {0}, 1, 0,
                RangeRequest.SortOrder.DESCEND, RangeRequest.SortTarget.VALUE, false, false, 0, 0, 0, 0);
        RangeResult r = range(byValueDescLimit);
        assertThat(keys(r)).containsExactly("b");
        assertThat(r.more()).isTrue();
        RangeRequest byValueUnknownLimit = new RangeRequest(new byte[] {0}, new byte[] {0}, 2, 0,
                RangeRequest.SortOrder.UNKNOWN, RangeRequest.SortTarget.VALUE, false, false, 0, 0, 0, 0);
        RangeResult unsorted = range(byValueUnknownLimit);
        assertThat(keys(unsorted)).as("an order etcd has no name for sorts nothing").containsExactly("a", "b");
        assertThat(unsorted.more()).isTrue();
    }

    @Test
    void keysOnlyCountOnlyAndRevisionFilters() throws Exception {
        put("a", "1");
        put("b", "2");
        put("a", "3");
        RangeRequest keysOnly = new RangeRequest(new byte[] {0}, new byte[] {0}, 0, 0, RangeRequest.SortOrder.NONE,
                RangeRequest.SortTarget.KEY, true, false, 0, 0, 0, 0);
        assertThat(range(keysOnly).kvs()).allMatch(kv -> kv.value().length == 0);
        RangeRequest countOnly = new RangeRequest(new byte[] {0}, new byte[] {0}, 0, 0, RangeRequest.SortOrder.NONE,
                RangeRequest.SortTarget.KEY, false, true, 0, 0, 0, 0);
        RangeResult c = range(countOnly);
        assertThat(c.kvs()).isEmpty();
        assertThat(c.count()).isEqualTo(2);
        RangeRequest minMod = new RangeRequest(new byte[] {0}, new byte[] {0}, 0, 0, RangeRequest.SortOrder.NONE,
                RangeRequest.SortTarget.KEY, false, false, 4, 0, 0, 0);
        assertThat(keys(range(minMod))).containsExactly("a");
        RangeRequest maxCreate = new RangeRequest(new byte[] {0}, new byte[] {0}, 0, 0, RangeRequest.SortOrder.NONE,
                RangeRequest.SortTarget.KEY, false, false, 0, 0, 0, 2);
        assertThat(keys(range(maxCreate))).containsExactly("a");
    }

    @Test
    void readsAtOldRevisionsUntilCompacted() throws Exception {
        put("a", "1");
        put("a", "2");
        engine.apply(0, DeleteRange.of(utf8("a")));
        assertThat(range(RangeRequest.key(utf8("a")).atRevision(2)).kvs().get(0).value()).isEqualTo(utf8("1"));
        assertThat(range(RangeRequest.key(utf8("a")).atRevision(3)).kvs().get(0).value()).isEqualTo(utf8("2"));
        assertThat(range(RangeRequest.key(utf8("a"))).kvs()).isEmpty();
        assertThatThrownBy(() -> range(RangeRequest.key(utf8("a")).atRevision(9)))
                .isInstanceOf(EngineException.class).hasMessage("etcdserver: mvcc: required revision is a future revision");
        engine.apply(0, new Compact(3));
        assertThat(range(RangeRequest.key(utf8("a")).atRevision(3)).kvs().get(0).value()).isEqualTo(utf8("2"));
        assertThatThrownBy(() -> range(RangeRequest.key(utf8("a")).atRevision(2)))
                .isInstanceOf(EngineException.class).hasMessage("etcdserver: mvcc: required revision has been compacted");
        assertThat(((Failed) engine.apply(0, new Compact(3))).error()).isEqualTo(EtcdError.COMPACTED);
        assertThat(((Failed) engine.apply(0, new Compact(99))).error()).isEqualTo(EtcdError.FUTURE_REV);
    }

    @Test
    void aFreshStoreIsCompactedAtMinusOneSoACompactionAtZeroSucceedsOnce() {
        assertThat(engine.compactRevision()).isEqualTo(-1);
        assertThat(engine.apply(0, new Compact(0))).isInstanceOf(CompactResult.class);
        assertThat(engine.compactRevision()).isZero();
        assertThat(((Failed) engine.apply(0, new Compact(0))).error()).isEqualTo(EtcdError.COMPACTED);
        assertThat(((Failed) engine.apply(0, new Compact(-1))).error()).isEqualTo(EtcdError.COMPACTED);
    }

    @Test
    void deleteRangeTakesOneRevisionAndResetsVersion() throws Exception {
        put("p/1", "a");
        put("p/2", "b");
        put("q", "c");
        DeleteResult d = (DeleteResult) engine.apply(0, new DeleteRange(utf8("p/"), Bytes.prefixEnd(utf8("p/")), true));
        assertThat(d.deleted()).isEqualTo(2);
        assertThat(d.prevKvs()).hasSize(2);
        assertThat(d.revision()).isEqualTo(5);
        DeleteResult none = (DeleteResult) engine.apply(0, DeleteRange.of(utf8("missing")));
        assertThat(none.deleted()).isZero();
        assertThat(engine.revision()).isEqualTo(5);
        put("p/1", "again");
        KeyValue kv = range(RangeRequest.key(utf8("p/1"))).kvs().get(0);
        assertThat(kv.version()).isEqualTo(1);
        assertThat(kv.createRevision()).isEqualTo(6);
    }

    @Test
    void txnComparesOnMissingKeysUseZeroExceptValue() {
        Txn versionZero = new Txn(List.of(Compare.version(utf8("k"), Compare.Result.EQUAL, 0)),
                List.of(new TxnOp.PutOp(Put.of(utf8("k"), utf8("v")))), List.of());
        assertThat(((TxnResult) engine.apply(0, versionZero)).succeeded()).isTrue();
        Txn valueOnMissing = new Txn(List.of(Compare.value(utf8("missing"), Compare.Result.NOT_EQUAL, utf8("x"))),
                List.of(), List.of());
        assertThat(((TxnResult) engine.apply(0, valueOnMissing)).succeeded()).isFalse();
    }

    @Test
    void txnComparesWithUnknownResultsHoldAndUnknownTargetsCompareEqual() {
        put("k", "v");
        Compare unknownResult = new Compare(Compare.Result.UNKNOWN, Compare.Target.VERSION, utf8("k"), Bytes.EMPTY,
                99, 0, 0, null, 0);
        assertThat(((TxnResult) engine.apply(0, new Txn(List.of(unknownResult), List.of(), List.of()))).succeeded())
                .isTrue();
        for (Compare.Result result : List.of(Compare.Result.EQUAL, Compare.Result.GREATER, Compare.Result.NOT_EQUAL)) {
            Compare unknownTarget = new Compare(result, Compare.Target.UNKNOWN, utf8("k"), Bytes.EMPTY, 99, 0, 0, null, 0);
            assertThat(((TxnResult) engine.apply(0, new Txn(List.of(unknownTarget), List.of(), List.of()))).succeeded())
                    .as(result.name()).isEqualTo(result == Compare.Result.EQUAL);
        }
    }

    @Test
    void kubernetesOptimisticPutPattern() {
        Txn create = new Txn(List.of(Compare.modRevision(utf8("/registry/x"), Compare.Result.EQUAL, 0)),
                List.of(new TxnOp.PutOp(Put.of(utf8("/registry/x"), utf8("v1")))),
                List.of(new TxnOp.RangeOp(RangeRequest.key(utf8("/registry/x")))));
        TxnResult created = (TxnResult) engine.apply(0, create);
        assertThat(created.succeeded()).isTrue();
        assertThat(created.revision()).isEqualTo(2);
        TxnResult conflict = (TxnResult) engine.apply(0, create);
        assertThat(conflict.succeeded()).isFalse();
        assertThat(conflict.revision()).isEqualTo(2);
        RangeResult current = (RangeResult) conflict.responses().get(0);
        assertThat(current.kvs().get(0).modRevision()).isEqualTo(2);
    }

    @Test
    void txnWritesShareOneRevisionAndReadsSeeEarlierWrites() {
        Txn t = new Txn(List.of(), List.of(
                new TxnOp.PutOp(Put.of(utf8("a"), utf8("1"))),
                new TxnOp.PutOp(Put.of(utf8("b"), utf8("2"))),
                new TxnOp.RangeOp(RangeRequest.prefix(new byte[] {'a'}))), List.of());
        TxnResult r = (TxnResult) engine.apply(0, t);
        assertThat(r.revision()).isEqualTo(2);
        assertThat(((RangeResult) r.responses().get(2)).kvs()).hasSize(1);
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).events()).extracting(Event::type).containsExactly(Event.Type.PUT, Event.Type.PUT);
    }

    @Test
    void nestedTxnRunsItsOwnBranch() throws EngineException {
        engine.apply(0, Put.of(utf8("a"), utf8("0")));
        Txn inner = new Txn(List.of(Compare.version(utf8("a"), Compare.Result.GREATER, 0)),
                List.of(new TxnOp.PutOp(Put.of(utf8("inner"), utf8("then")))),
                List.of(new TxnOp.PutOp(Put.of(utf8("inner"), utf8("else")))));
        Txn outer = new Txn(List.of(), List.of(new TxnOp.TxnOpNested(inner)), List.of());
        TxnResult r = (TxnResult) engine.apply(0, outer);
        assertThat(((TxnResult) r.responses().get(0)).succeeded()).isTrue();
        assertThat(engine.range(RangeRequest.key(utf8("inner"))).kvs().get(0).value()).isEqualTo(utf8("then"));
    }

    /**
     * etcd chooses every branch before it runs any op (compareToPath over the txn's read view):
     * a nested compare does not see a put made earlier in the same txn.
     */
    @Test
    void nestedComparesSeeTheStateBeforeTheTxn() throws EngineException {
        Txn inner = new Txn(List.of(Compare.version(utf8("b"), Compare.Result.GREATER, 0)),
                List.of(new TxnOp.PutOp(Put.of(utf8("inner"), utf8("then")))),
                List.of(new TxnOp.PutOp(Put.of(utf8("inner"), utf8("else")))));
        Txn outer = new Txn(List.of(), List.of(new TxnOp.PutOp(Put.of(utf8("b"), utf8("1"))),
                new TxnOp.TxnOpNested(inner)), List.of());
        TxnResult r = (TxnResult) engine.apply(0, outer);
        assertThat(((TxnResult) r.responses().get(1)).succeeded()).isFalse();
        assertThat(engine.range(RangeRequest.key(utf8("inner"))).kvs().get(0).value()).isEqualTo(utf8("else"));
    }

    /** etcd checks the puts of the chosen branches before their ranges: the put's error wins. */
    @Test
    void aTxnFailingAPutCheckAndARangeCheckAnswersThePutsError() {
        engine.apply(0, Put.of(utf8("c"), utf8("0")));
        Txn txn = new Txn(List.of(), List.of(
                new TxnOp.RangeOp(RangeRequest.key(utf8("c")).atRevision(engine.revision() + 5)),
                new TxnOp.PutOp(new Put(utf8("missing"), Bytes.EMPTY, 0, false, true, false))), List.of());
        assertThat(((Failed) engine.apply(0, txn)).error()).isEqualTo(EtcdError.KEY_NOT_FOUND);
    }

    @Test
    void duplicateKeysAndTooManyOpsAreRejected() {
        Txn dup = new Txn(List.of(), List.of(new TxnOp.PutOp(Put.of(utf8("a"), utf8("1"))),
                new TxnOp.PutOp(Put.of(utf8("a"), utf8("2")))), List.of());
        assertThat(((Failed) engine.apply(0, dup)).error().message())
                .isEqualTo("etcdserver: duplicate key given in txn request");
        Txn putInsideDelete = new Txn(List.of(), List.of(new TxnOp.DeleteOp(new DeleteRange(utf8("a"), utf8("c"), false)),
                new TxnOp.PutOp(Put.of(utf8("b"), utf8("2")))), List.of());
        assertThat(((Failed) engine.apply(0, putInsideDelete)).error()).isEqualTo(EtcdError.DUPLICATE_KEY);
        Txn thenElseSameKey = new Txn(List.of(), List.of(new TxnOp.TxnOpNested(new Txn(List.of(),
                List.of(new TxnOp.PutOp(Put.of(utf8("a"), utf8("1")))),
                List.of(new TxnOp.PutOp(Put.of(utf8("a"), utf8("2"))))))), List.of());
        assertThat(engine.apply(0, thenElseSameKey)).isInstanceOf(TxnResult.class);
        List<TxnOp> many = new ArrayList<>(Collections.nCopies(129, new TxnOp.RangeOp(RangeRequest.key(utf8("a")))));
        assertThat(((Failed) engine.apply(0, new Txn(List.of(), many, List.of()))).error().message())
                .isEqualTo("etcdserver: too many operations in txn request");
    }

    @Test
    void leaseRevokeDeletesItsKeysInOneRevision() throws Exception {
        engine.apply(0, new LeaseCommand.Grant(5, 10));
        engine.apply(0, new Put(utf8("l1"), utf8("a"), 5, false, false, false));
        engine.apply(0, new Put(utf8("l2"), utf8("b"), 5, false, false, false));
        engine.apply(0, Put.of(utf8("keep"), utf8("c")));
        long before = engine.revision();
        assertThat(engine.lease(5).keys()).hasSize(2);
        changes.clear();
        engine.apply(0, new LeaseCommand.Revoke(5));
        assertThat(engine.revision()).isEqualTo(before + 1);
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).events()).hasSize(2).allMatch(e -> e.type() == Event.Type.DELETE);
        assertThat(keys(range(RangeRequest.range(new byte[] {0}, new byte[] {0})))).containsExactly("keep");
        assertThat(((Failed) engine.apply(0, new LeaseCommand.Revoke(5))).error()).isEqualTo(EtcdError.LEASE_NOT_FOUND);
        assertThat(((Failed) engine.apply(0, new LeaseCommand.Grant(6, 10_000_000_000L))).error())
                .isEqualTo(EtcdError.LEASE_TTL_TOO_LARGE);
    }

    @Test
    void puttingAKeyUnderAnotherLeaseMovesIt() {
        engine.apply(0, new LeaseCommand.Grant(1, 10));
        engine.apply(0, new LeaseCommand.Grant(2, 10));
        engine.apply(0, new Put(utf8("k"), utf8("a"), 1, false, false, false));
        engine.apply(0, new Put(utf8("k"), utf8("b"), 2, false, false, false));
        assertThat(engine.lease(1).keys()).isEmpty();
        assertThat(engine.lease(2).keys()).hasSize(1);
    }

    @Test
    void emptyKeyIsRejected() {
        assertThat(((Failed) engine.apply(0, Put.of(Bytes.EMPTY, utf8("v")))).error().message())
                .isEqualTo("etcdserver: key is not provided");
    }

    @Test
    void hashKvIsStableAndCoversHistory() {
        put("a", "1");
        long h1 = engine.hashKv(engine.revision());
        put("a", "2");
        assertThat(engine.hashKv(2)).isEqualTo(h1);
        assertThat(engine.hashKv(3)).isNotEqualTo(h1);
    }

    @Test
    void changesSinceRebuildsPastEventsUntilCompacted() throws Exception {
        put("a", "1");
        put("b", "2");
        engine.apply(0, DeleteRange.of(utf8("a")));
        List<Change> fromStart = engine.changesSince(2, 100);
        assertThat(fromStart).extracting(Change::revision).containsExactly(2L, 3L, 4L);
        assertThat(fromStart).usingRecursiveFieldByFieldElementComparator().isEqualTo(changes);
        assertThat(fromStart.get(2).events().get(0).type()).isEqualTo(Event.Type.DELETE);
        assertThat(fromStart.get(2).events().get(0).prevKv().value()).isEqualTo(utf8("1"));
        assertThat(engine.changesSince(4, 1)).hasSize(1);
        assertThat(engine.changesSince(5, 10)).isEmpty();
        engine.apply(0, new Compact(4));
        assertThatThrownBy(() -> engine.changesSince(3, 10)).isInstanceOf(EngineException.class);
        List<Change> atCompaction = engine.changesSince(4, 10);
        assertThat(atCompaction).hasSize(1);
        assertThat(atCompaction.get(0).events().get(0).type()).as("a delete at the compaction revision is kept")
                .isEqualTo(Event.Type.DELETE);
    }

    @Test
    void approxBytesGrowsWithWritesAndShrinksWithCompaction() {
        long empty = engine.approxBytes();
        put("a", "0123456789");
        put("a", "0123456789");
        long two = engine.approxBytes();
        assertThat(two).isGreaterThan(empty + 20);
        engine.apply(0, new Compact(engine.revision()));
        assertThat(engine.approxBytes()).isLessThan(two).isGreaterThan(empty);
    }
}
