package dev.cachai.migration.etcd;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.result.Failed;
import dev.cachai.engine.result.Result;
import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Progress;
import dev.cachai.migration.Report;
import dev.cachai.migration.datadir.BootstrapEngine;
import io.etcd.jetcd.KeyValue;

import java.util.List;

/**
 * Writes source pages into the engine a new data directory is built from: the lease grants (under the source's ids)
 * and puts the live copy sends through a server's etcd port, applied in memory, one revision per key.
 */
final class EngineKeyWriter implements KeySource.PageSink, LeaseTarget {
    private final BootstrapEngine engine;
    private final Report report;
    private final Progress progress;
    private LeaseCopier leases;

    EngineKeyWriter(BootstrapEngine engine, Report report, Progress progress) {
        this.engine = engine;
        this.report = report;
        this.progress = progress;
    }

    /** The leases of the keys, copied from {@code source} into this engine before the keys they hold. */
    EngineKeyWriter withLeasesOf(KeySource source) {
        leases = new LeaseCopier(source, this, report);
        return this;
    }

    @Override
    public void accept(List<KeyValue> page) throws InterruptedException {
        report.count(Report.Count.READ, page.size());
        leases.copyLeasesOf(page);
        for (KeyValue kv : page) {
            if (!EtcdWriter.tooLarge(kv, report) && leases.usable(kv.getLease())) {
                put(kv);
            }
            progress.add(1);
        }
    }

    private void put(KeyValue kv) {
        Result r = engine.apply(new Put(kv.getKey().getBytes(), kv.getValue().getBytes(), kv.getLease(), false, false, false));
        if (r instanceof Failed f) {
            report.issue(Report.Count.FAILED, "failed: put " + EtcdWriter.text(kv.getKey()) + ": " + f.error().message());
        } else {
            report.count(Report.Count.CREATED);
        }
    }

    @Override
    public boolean grant(long id, long ttlSeconds) {
        Result r = engine.apply(new LeaseCommand.Grant(id, ttlSeconds));
        if (!(r instanceof Failed f)) {
            return true;
        }
        if (f.error() == EtcdError.LEASE_EXIST) {
            return false;
        }
        throw new MigrationException("granting lease " + Long.toHexString(id) + " failed: " + f.error().message());
    }
}
