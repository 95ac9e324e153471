package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Progress;
import dev.cachai.migration.Report;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes source pages into the target. Each page's key span is first read from the target so identical keys are
 * skipped and a re-run only writes what differs; the rest goes out as txns of puts, several in flight.
 */
final class EtcdWriter implements PagedReader.PageSink {
    private final KV target;
    private final LeaseCopier leases;
    private final Report report;
    private final Progress progress;
    private final Semaphore txnPermits = new Semaphore(EtcdLimits.TXNS_INFLIGHT_MAX);
    private final AtomicReference<MigrationException> failure = new AtomicReference<>();

    EtcdWriter(KV target, LeaseCopier leases, Report report, Progress progress) {
        this.target = target;
        this.leases = leases;
        this.report = report;
        this.progress = progress;
    }

    @Override
    public void accept(List<KeyValue> page) throws InterruptedException {
        checkFailure();
        if (page.isEmpty()) {
            return;
        }
        report.count(Report.Count.READ, page.size());
        Map<ByteSequence, KeyValue> existing = targetSpan(page);
        List<Op> ops = new ArrayList<>();
        int bytes = 0;
        for (KeyValue kv : page) {
            Op op = putFor(kv, existing.get(kv.getKey()));
            if (op == null) {
                progress.add(1);
                continue;
            }
            int size = kv.getKey().size() + kv.getValue().size();
            if (ops.size() >= EtcdLimits.TXN_OPS_MAX || bytes + size > EtcdLimits.TXN_BYTES_MAX) {
                submit(ops);
                ops = new ArrayList<>();
                bytes = 0;
            }
            ops.add(op);
            bytes += size;
        }
        submit(ops);
    }

    /** The put that makes the target match, or null when nothing is to be written (identical or reported). */
    private Op putFor(KeyValue kv, KeyValue there) throws InterruptedException {
        if (kv.getKey().size() + kv.getValue().size() > EtcdLimits.PUT_BYTES_MAX) {
            report.issue(Report.Count.TOO_LARGE, "too large: " + text(kv.getKey()) + " (" + kv.getValue().size()
                    + " bytes; the target accepts requests up to " + EtcdLimits.REQUEST_BYTES_MAX + " bytes)");
            return null;
        }
        boolean leased = kv.getLease() != 0;
        // Compared before any lease is granted, so a re-run over identical keys grants nothing.
        if (there != null && there.getValue().equals(kv.getValue()) && (there.getLease() != 0) == leased) {
            report.count(Report.Count.IDENTICAL);
            return null;
        }
        long lease = leased ? leases.targetId(kv.getLease()) : 0;
        if (lease == LeaseCopier.EXPIRED) {
            return null;
        }
        report.count(there == null ? Report.Count.CREATED : Report.Count.UPDATED);
        PutOption option = lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
        return Op.put(kv.getKey(), kv.getValue(), option);
    }

    private Map<ByteSequence, KeyValue> targetSpan(List<KeyValue> page) throws InterruptedException {
        ByteSequence first = page.get(0).getKey();
        ByteSequence end = KeyRange.after(page.get(page.size() - 1).getKey());
        List<KeyValue> kvs = PagedReader.await(target.get(first, GetOption.builder().withRange(end).build())).getKvs();
        Map<ByteSequence, KeyValue> byKey = new HashMap<>();
        for (KeyValue kv : kvs) {
            byKey.put(kv.getKey(), kv);
        }
        return byKey;
    }

    private void submit(List<Op> ops) throws InterruptedException {
        if (ops.isEmpty()) {
            return;
        }
        txnPermits.acquire();
        int n = ops.size();
        target.txn().Then(ops.toArray(new Op[0])).commit().whenComplete((r, e) -> {
            if (e != null) {
                failure.compareAndSet(null, new MigrationException("writing to the target failed: " + EtcdErrors.describe(e)));
            } else {
                progress.add(n);
            }
            txnPermits.release();
        });
    }

    /** Waits for every txn sent so far. */
    void awaitIdle() throws InterruptedException {
        txnPermits.acquire(EtcdLimits.TXNS_INFLIGHT_MAX);
        txnPermits.release(EtcdLimits.TXNS_INFLIGHT_MAX);
        checkFailure();
    }

    private void checkFailure() {
        MigrationException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    static String text(ByteSequence key) {
        return key.toString(StandardCharsets.UTF_8);
    }
}
