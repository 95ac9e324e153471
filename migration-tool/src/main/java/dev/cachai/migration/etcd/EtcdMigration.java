package dev.cachai.migration.etcd;

import dev.cachai.migration.BothSides;
import dev.cachai.migration.Endpoint;
import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Progress;
import dev.cachai.migration.Report;
import dev.cachai.migration.cli.Options;
import dev.cachai.migration.datadir.BootstrapEngine;
import dev.cachai.migration.datadir.DataDirTarget;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/** migrate and verify for etcd sources. */
public final class EtcdMigration {
    private final Options options;
    private final Report report;
    private final PrintStream err;

    public EtcdMigration(Options options, Report report, PrintStream err) {
        this.options = options;
        this.report = report;
        this.err = err;
    }

    public void migrate() throws InterruptedException {
        if (options.target() != null && options.target().scheme() == Endpoint.Scheme.DATA_DIR && !options.dryRun()) {
            bootstrap();
            return;
        }
        try (OpenedSource source = openSource()) {
            KeySource reader = source.keys();
            long revision = reader.pin();
            Progress progress = new Progress("copy", err, options.progress());
            progress.expect(reader.total());
            err.println("copying " + reader.total() + " keys at source revision " + revision);
            if (options.dryRun()) {
                reader.readAll(page -> {
                    report.count(Report.Count.READ, page.size());
                    progress.add(page.size());
                });
                progress.finish();
                EtcdAuthData auth = reader.auth();
                String alongside = auth.isEmpty() ? ""
                        : " with " + auth.users().size() + " users and " + auth.roles().size() + " roles";
                err.println("dry run: " + progress.done() + " keys would be copied" + alongside + "; nothing was written");
                return;
            }
            try (Client target = EtcdConnect.open("target", options.target().hostPort(), options.targetEtcdUser(),
                    options.connectTimeout());
                 LeaseGranter granter = new LeaseGranter(options.target().hostPort(), options.targetEtcdUser(),
                         options.connectTimeout())) {
                LeaseCopier leases = new LeaseCopier(reader, granter, report);
                EtcdWriter writer = new EtcdWriter(target.getKVClient(), leases, report, progress);
                reader.readAll(writer);
                writer.awaitIdle();
                progress.finish();
                err.printf("copied %d keys in %.1f s (%.0f keys/s)%n", progress.done(), progress.elapsedSeconds(),
                        progress.rate());
            }
            copyAuth(reader.auth());
        }
    }

    /** Users and roles go after the keys, on a channel of their own (jetcd cannot send a password hash). */
    private void copyAuth(EtcdAuthData auth) {
        if (auth.isEmpty() && !auth.enabled()) {
            return;
        }
        try (GrpcAuthTarget target = new GrpcAuthTarget(options.target().hostPort(), options.targetEtcdUser(),
                options.connectTimeout())) {
            new AuthCopier(target, report, err).copy(auth);
        }
    }

    /** Writes a new node's data directory from the source: the target is checked before the source is read. */
    private void bootstrap() throws InterruptedException {
        try (DataDirTarget target = DataDirTarget.open(options.target().dir(), options.cluster());
             OpenedSource source = openSource()) {
            KeySource reader = source.keys();
            long revision = reader.pin();
            Progress progress = new Progress("copy", err, options.progress());
            progress.expect(reader.total());
            err.println("copying " + reader.total() + " keys at source revision " + revision);
            BootstrapEngine engine = new BootstrapEngine();
            reader.readAll(new EngineKeyWriter(engine, report, progress).withLeasesOf(reader));
            new AuthCopier(new EngineAuthTarget(engine), report, err).copy(reader.auth());
            target.finish(engine, progress, "keys", err);
        }
    }

    public void verify() throws InterruptedException {
        BothSides.Result<Map<ByteSequence, Long>, Map<ByteSequence, Long>> digests = BothSides.read(() -> {
            try (OpenedSource source = openSource()) {
                return digestsAtNow(source.keys());
            }
        }, () -> {
            try (Client target = EtcdConnect.open("target", options.target().hostPort(), options.targetEtcdUser(),
                    options.connectTimeout())) {
                return digestsAtNow(new PagedReader(target, range()));
            }
        });
        compare(digests.source(), digests.target());
    }

    private static Map<ByteSequence, Long> digestsAtNow(KeySource reader) throws InterruptedException {
        reader.pin();
        return digests(reader);
    }

    /** Lists the differences sorted by key; keys are compared as bytes, printed as UTF-8. */
    private void compare(Map<ByteSequence, Long> expected, Map<ByteSequence, Long> actual) {
        TreeMap<String, String> differences = new TreeMap<>();
        for (Map.Entry<ByteSequence, Long> e : expected.entrySet()) {
            Long got = actual.get(e.getKey());
            String key = EtcdWriter.text(e.getKey());
            if (got == null) {
                differences.put(key, "missing in target: " + key);
            } else if (!got.equals(e.getValue())) {
                differences.put(key, "differs: " + key + " (value or lease id)");
            }
        }
        for (ByteSequence k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                String key = EtcdWriter.text(k);
                differences.put(key, "only in target: " + key);
            }
        }
        differences.values().forEach(line -> report.issue(Report.Count.DIFFERENCES, line));
        err.printf("verify: %d keys in source, %d in target, %d differences%n", expected.size(), actual.size(),
                report.get(Report.Count.DIFFERENCES));
    }

    /** Key → CRC32 of the value and the id of the lease that holds the key (ids are kept by the copy). */
    private static Map<ByteSequence, Long> digests(KeySource reader) throws InterruptedException {
        Map<ByteSequence, Long> out = new HashMap<>();
        reader.readAll(page -> {
            if (out.size() + page.size() > EtcdLimits.VERIFY_KEYS_MAX) {
                throw new MigrationException("more than " + EtcdLimits.VERIFY_KEYS_MAX + " keys to verify");
            }
            for (KeyValue kv : page) {
                CRC32 crc = new CRC32();
                crc.update(kv.getValue().getBytes());
                crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, kv.getLease()));
                out.put(kv.getKey(), crc.getValue());
            }
        });
        return out;
    }

    /** The keys copied: those under the source's prefix; a snapshot file is copied whole. */
    private KeyRange range() {
        return KeyRange.of(options.source().scheme() == Endpoint.Scheme.ETCD_SNAPSHOT ? null : options.source().path());
    }

    private OpenedSource openSource() {
        if (options.source().scheme() == Endpoint.Scheme.ETCD_SNAPSHOT) {
            return new OpenedSource(new SnapshotSource(options.source().dir(), range(), report), () -> { });
        }
        Client client = EtcdConnect.open("source", options.source().hostPort(), options.sourceEtcdUser(),
                options.connectTimeout());
        return new OpenedSource(new PagedReader(client, range()), client::close);
    }

    /** A source and what closes it. */
    private record OpenedSource(KeySource keys, Runnable closer) implements AutoCloseable {
        @Override
        public void close() {
            closer.run();
        }
    }
}
