package dev.cachai.etcd.metrics;

import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.result.Failed;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.TxnResult;
import dev.cachai.metrics.Counter;
import dev.cachai.metrics.MetricRegistry;

import java.util.List;

/**
 * etcd's mvcc counters, counted as etcd counts them when a write is applied: every put and
 * delete, also inside the branch of a txn that ran, and a txn only when it held more than one
 * operation; plain ranges where they are served. ZooKeeper requests are not etcd operations and
 * are not counted here.
 */
public final class MvccCounts {
    private static final String RANGE_TOTAL = "etcd_mvcc_range_total";
    private static final String RANGE_HELP = "Total number of ranges seen by this member.";

    private final Counter puts;
    private final Counter deletes;
    private final Counter txns;
    private final Counter ranges;

    public MvccCounts(MetricRegistry registry) {
        puts = registry.counter("etcd_mvcc_put_total", "Total number of puts seen by this member.");
        deletes = registry.counter("etcd_mvcc_delete_total", "Total number of deletes seen by this member.");
        txns = registry.counter("etcd_mvcc_txn_total", "Total number of txns seen by this member.");
        ranges = registry.counter(RANGE_TOTAL, RANGE_HELP);
    }

    /** A range served outside a txn (serializable or linearizable). */
    public void ranged() {
        ranges.inc();
    }

    /** Counts a command this member applied (every member applies every write, as in etcd). */
    public void applied(Command command, Result result) {
        if (result instanceof Failed) {
            return;
        }
        if (command instanceof Put) {
            puts.inc();
        } else if (command instanceof DeleteRange) {
            deletes.inc();
        } else if (command instanceof Txn txn && result instanceof TxnResult r) {
            long[] ops = new long[3];
            count(r.succeeded() ? txn.success() : txn.failure(), r.responses(), ops);
            if (ops[0] + ops[1] + ops[2] > 1) {
                txns.inc();
            }
            ranges.add(ops[0]);
            puts.add(ops[1]);
            deletes.add(ops[2]);
        }
    }

    /** Adds the ranges, puts and deletes of a branch that ran (nested txns by the branch they took). */
    private static void count(List<TxnOp> branch, List<Result> responses, long[] ops) {
        for (int i = 0; i < branch.size(); i++) {
            TxnOp op = branch.get(i);
            if (op instanceof TxnOp.RangeOp) {
                ops[0]++;
            } else if (op instanceof TxnOp.PutOp) {
                ops[1]++;
            } else if (op instanceof TxnOp.DeleteOp) {
                ops[2]++;
            } else if (op instanceof TxnOp.TxnOpNested nested && i < responses.size()
                    && responses.get(i) instanceof TxnResult inner) {
                count(inner.succeeded() ? nested.txn().success() : nested.txn().failure(), inner.responses(), ops);
            }
        }
    }
}
