package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Progress;
import dev.cachai.migration.Report;
import dev.cachai.migration.cli.Options;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
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
        KeyRange range = KeyRange.of(options.source().path());
        try (Client source = openSource()) {
            PagedReader reader = new PagedReader(source.getKVClient(), range);
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
                err.println("dry run: " + progress.done() + " keys would be copied; nothing was written");
                return;
            }
            try (Client target = EtcdConnect.open("target", options.target().hostPort(), options.targetEtcdUser(),
                    options.connectTimeout())) {
                LeaseCopier leases = new LeaseCopier(source.getLeaseClient(), target.getLeaseClient(), report);
                EtcdWriter writer = new EtcdWriter(target.getKVClient(), leases, report, progress);
                reader.readAll(writer);
                writer.awaitIdle();
                progress.finish();
                err.printf("copied %d keys in %.1f s (%.0f keys/s)%n", progress.done(), progress.elapsedSeconds(),
                        progress.rate());
            }
        }
    }

    public void verify() throws InterruptedException {
        KeyRange range = KeyRange.of(options.source().path());
        Map<ByteSequence, Long> expected;
        Map<ByteSequence, Long> actual;
        try (Client source = openSource()) {
            PagedReader reader = new PagedReader(source.getKVClient(), range);
            reader.pin();
            expected = digests(reader);
        }
        try (Client target = EtcdConnect.open("target", options.target().hostPort(), options.targetEtcdUser(),
                options.connectTimeout())) {
            PagedReader reader = new PagedReader(target.getKVClient(), range);
            reader.pin();
            actual = digests(reader);
        }
        compare(expected, actual);
    }

    private void compare(Map<ByteSequence, Long> expected, Map<ByteSequence, Long> actual) {
        TreeSet<String> keys = new TreeSet<>();
        expected.keySet().forEach(k -> keys.add(EtcdWriter.text(k)));
        actual.keySet().forEach(k -> keys.add(EtcdWriter.text(k)));
        for (String key : keys) {
            ByteSequence k = EtcdConnect.bytes(key);
            Long want = expected.get(k);
            Long got = actual.get(k);
            if (got == null) {
                report.issue(Report.Count.DIFFERENCES, "missing in target: " + key);
            } else if (want == null) {
                report.issue(Report.Count.DIFFERENCES, "only in target: " + key);
            } else if (!want.equals(got)) {
                report.issue(Report.Count.DIFFERENCES, "differs: " + key + " (value or lease)");
            }
        }
        err.printf("verify: %d keys in source, %d in target, %d differences%n", expected.size(), actual.size(),
                report.get(Report.Count.DIFFERENCES));
    }

    /** Key → CRC32 of the value and whether a lease holds the key (lease ids differ by design). */
    private static Map<ByteSequence, Long> digests(PagedReader reader) throws InterruptedException {
        Map<ByteSequence, Long> out = new HashMap<>();
        reader.readAll(page -> {
            if (out.size() + page.size() > EtcdLimits.VERIFY_KEYS_MAX) {
                throw new MigrationException("more than " + EtcdLimits.VERIFY_KEYS_MAX + " keys to verify");
            }
            for (KeyValue kv : page) {
                CRC32 crc = new CRC32();
                crc.update(kv.getValue().getBytes());
                crc.update(kv.getLease() == 0 ? 0 : 1);
                out.put(kv.getKey(), crc.getValue());
            }
        });
        return out;
    }

    private Client openSource() {
        return EtcdConnect.open("source", options.source().hostPort(), options.sourceEtcdUser(), options.connectTimeout());
    }
}
