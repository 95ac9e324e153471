package dev.cachai.engine;

import dev.cachai.engine.command.Compare;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.RangeRequest;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** etcd's checkTxnRequest and checkIntervals, in etcd's order, on both branches whatever the compares say. */
class TxnChecksTest {
    private static final int OPS_MAX = 128;

    private static TxnOp put(String key) {
        return new TxnOp.PutOp(Put.of(utf8(key), utf8("v")));
    }

    private static Txn txn(List<TxnOp> success, List<TxnOp> failure) {
        return new Txn(List.of(), success, failure);
    }

    @Test
    void aBadPutInTheBranchThatWillNotRunStillRefusesTheTxn() {
        TxnOp valueWithIgnoreValue = new TxnOp.PutOp(new Put(utf8("a"), utf8("v"), 0, false, true, false));
        TxnOp leaseWithIgnoreLease = new TxnOp.PutOp(new Put(utf8("a"), Bytes.EMPTY, 7, false, false, true));
        assertThat(TxnChecks.validate(txn(List.of(), List.of(valueWithIgnoreValue)), OPS_MAX))
                .isEqualTo(EtcdError.VALUE_PROVIDED);
        assertThat(TxnChecks.validate(txn(List.of(), List.of(leaseWithIgnoreLease)), OPS_MAX))
                .isEqualTo(EtcdError.LEASE_PROVIDED);
    }

    @Test
    void opChecksComeBeforeDuplicateKeysAndComparesBeforeOps() {
        TxnOp badPut = new TxnOp.PutOp(new Put(utf8("b"), utf8("v"), 0, false, true, false));
        assertThat(TxnChecks.validate(txn(List.of(put("a"), put("a")), List.of(badPut)), OPS_MAX))
                .isEqualTo(EtcdError.VALUE_PROVIDED);
        Txn emptyCompareKey = new Txn(List.of(Compare.version(Bytes.EMPTY, Compare.Result.EQUAL, 0)),
                List.of(badPut), List.of());
        assertThat(TxnChecks.validate(emptyCompareKey, OPS_MAX)).isEqualTo(EtcdError.EMPTY_KEY);
        assertThat(TxnChecks.validate(txn(List.of(put("a"), put("a")), List.of()), OPS_MAX))
                .isEqualTo(EtcdError.DUPLICATE_KEY);
    }

    @Test
    void anOpWithoutARequestIsKeyNotFoundAndAnEmptyKeyIsNotProvided() {
        assertThat(TxnChecks.validate(txn(List.of(new TxnOp.EmptyOp()), List.of()), OPS_MAX))
                .isEqualTo(EtcdError.KEY_NOT_FOUND);
        assertThat(TxnChecks.validate(txn(List.of(new TxnOp.RangeOp(RangeRequest.key(Bytes.EMPTY))), List.of()), OPS_MAX))
                .isEqualTo(EtcdError.EMPTY_KEY);
        assertThat(TxnChecks.validate(txn(List.of(), List.of(new TxnOp.DeleteOp(
                new DeleteRange(Bytes.EMPTY, Bytes.EMPTY, false)))), OPS_MAX)).isEqualTo(EtcdError.EMPTY_KEY);
    }

    /** A nested txn may hold only what its parent left of the budget (etcd passes maxTxnOps minus the parent's count). */
    @Test
    void aNestedTxnSharesItsParentsOpBudget() {
        List<TxnOp> three = Collections.nCopies(3, new TxnOp.RangeOp(RangeRequest.key(utf8("k"))));
        Txn nestedThree = txn(three, List.of());
        Txn outerTwo = txn(List.of(new TxnOp.TxnOpNested(nestedThree), put("x")), List.of());
        assertThat(TxnChecks.validate(outerTwo, 5)).isNull();
        assertThat(TxnChecks.validate(outerTwo, 4)).isEqualTo(EtcdError.TOO_MANY_OPS);
    }
}
