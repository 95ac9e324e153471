package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A live etcd: reads a key range page by page, every page at the same revision, so the copy is one consistent cut even while the
 * source keeps changing. The next page is requested before the current one is handed out, to overlap round trips.
 */
final class PagedReader implements KeySource {
    private final KV kv;
    private final Lease leases;
    private final KeyRange range;
    private long revision;
    private long total = -1;

    PagedReader(Client client, KeyRange range) {
        this.kv = client.getKVClient();
        this.leases = client.getLeaseClient();
        this.range = range;
    }

    /** Pins the revision (the source's current one) and learns how many keys the range holds. */
    @Override
    public long pin() throws InterruptedException {
        GetResponse r = await(kv.get(range.start(), GetOption.builder().withRange(range.end()).withCountOnly(true).build()));
        revision = r.getHeader().getRevision();
        total = r.getCount();
        return revision;
    }

    @Override
    public long total() {
        return total;
    }

    @Override
    public void readAll(PageSink sink) throws InterruptedException {
        CompletableFuture<GetResponse> next = page(range.start());
        while (next != null) {
            GetResponse r = await(next);
            List<KeyValue> kvs = r.getKvs();
            next = r.isMore() && !kvs.isEmpty() ? page(KeyRange.after(kvs.get(kvs.size() - 1).getKey())) : null;
            sink.accept(kvs);
        }
    }

    @Override
    public long leaseTtlSeconds(long leaseId) throws InterruptedException {
        return await(leases.timeToLive(leaseId, LeaseOption.DEFAULT)).getTTL();
    }

    private CompletableFuture<GetResponse> page(ByteSequence from) {
        GetOption.Builder o = GetOption.builder().withRange(range.end()).withLimit(EtcdLimits.PAGE_KEYS_MAX);
        if (revision > 0) {
            o.withRevision(revision);
        }
        return kv.get(from, o.build());
    }

    static <T> T await(CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            String why = EtcdErrors.describe(e);
            if (why.contains("compacted")) {
                throw new MigrationException("the source compacted the revision being copied; re-run (it is safe)");
            }
            throw new MigrationException("etcd request failed: " + why);
        }
    }
}
