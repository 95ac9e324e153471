package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Progress;
import dev.cachai.migration.Report;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes source pages into the target without waiting on it: each page's key span is read from the target (so
 * identical keys are skipped and a re-run only writes what differs), then the rest goes out as txns of puts. Up to
 * {@link EtcdLimits#PAGES_INFLIGHT_MAX} pages are on their way at once; the reader only waits when all are.
 */
final class EtcdWriter implements KeySource.PageSink {
    private final KV target;
    private final LeaseCopier leases;
    private final Report report;
    private final Progress progress;
    private final Semaphore pagePermits = new Semaphore(EtcdLimits.PAGES_INFLIGHT_MAX);
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
        leases.copyLeasesOf(page);
        pagePermits.acquire();
        targetSpan(page).thenAccept(existing -> writePage(page, existing)).whenComplete((v, e) -> {
            if (e != null) {
                fail(e);
                pagePermits.release();
            }
        });
    }

    private void writePage(List<KeyValue> page, Map<ByteSequence, KeyValue> existing) {
        List<List<Op>> txns = new ArrayList<>();
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
                txns.add(ops);
                ops = new ArrayList<>();
                bytes = 0;
            }
            ops.add(op);
            bytes += size;
        }
        if (!ops.isEmpty()) {
            txns.add(ops);
        }
        if (txns.isEmpty()) {
            pagePermits.release();
            return;
        }
        AtomicInteger txnsLeft = new AtomicInteger(txns.size());
        for (List<Op> txn : txns) {
            target.txn().Then(txn.toArray(new Op[0])).commit().whenComplete((r, e) -> {
                if (e != null) {
                    fail(e);
                } else {
                    progress.add(txn.size());
                }
                if (txnsLeft.decrementAndGet() == 0) {
                    pagePermits.release();
                }
            });
        }
    }

    /** The put that makes the target match, or null when nothing is to be written (identical or reported). */
    private Op putFor(KeyValue kv, KeyValue there) {
        if (tooLarge(kv, report)) {
            return null;
        }
        if (there != null && there.getValue().equals(kv.getValue()) && there.getLease() == kv.getLease()) {
            report.count(Report.Count.IDENTICAL);
            return null;
        }
        if (!leases.usable(kv.getLease())) {
            return null; // its lease expired in the source: noted once for the lease
        }
        report.count(there == null ? Report.Count.CREATED : Report.Count.UPDATED);
        PutOption option = kv.getLease() == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(kv.getLease()).build();
        return Op.put(kv.getKey(), kv.getValue(), option);
    }

    /** Keys a Cachai would refuse (over its request limit) are reported and left out, by either kind of target. */
    static boolean tooLarge(KeyValue kv, Report report) {
        if (kv.getKey().size() + kv.getValue().size() <= EtcdLimits.PUT_BYTES_MAX) {
            return false;
        }
        report.issue(Report.Count.TOO_LARGE, "too large: " + text(kv.getKey()) + " (" + kv.getValue().size()
                + " bytes; the target accepts requests up to " + EtcdLimits.REQUEST_BYTES_MAX + " bytes)");
        return true;
    }

    private CompletableFuture<Map<ByteSequence, KeyValue>> targetSpan(List<KeyValue> page) {
        ByteSequence first = page.get(0).getKey();
        ByteSequence end = KeyRange.after(page.get(page.size() - 1).getKey());
        return target.get(first, GetOption.builder().withRange(end).build()).thenApply(EtcdWriter::byKey);
    }

    private static Map<ByteSequence, KeyValue> byKey(GetResponse response) {
        Map<ByteSequence, KeyValue> byKey = new HashMap<>();
        for (KeyValue kv : response.getKvs()) {
            byKey.put(kv.getKey(), kv);
        }
        return byKey;
    }

    /** Waits for every page handed over so far. */
    void awaitIdle() throws InterruptedException {
        pagePermits.acquire(EtcdLimits.PAGES_INFLIGHT_MAX);
        pagePermits.release(EtcdLimits.PAGES_INFLIGHT_MAX);
        checkFailure();
    }

    private void fail(Throwable e) {
        failure.compareAndSet(null, new MigrationException("writing to the target failed: " + EtcdErrors.describe(e)));
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
