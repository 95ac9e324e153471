package dev.cachai.migration;

import dev.cachai.migration.cli.Options;
import dev.cachai.migration.cli.Usage;
import dev.cachai.migration.etcd.EtcdMigration;
import dev.cachai.migration.zk.ZkMigration;

import java.io.PrintStream;
import java.util.List;

/** The {@code cachai-migrate} command. */
public final class Main {
    public static final int EXIT_CLEAN = 0;
    public static final int EXIT_UNCLEAN = 1;
    public static final int EXIT_ERROR = 2;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs one command; the exit code says whether the result is clean. Tests call this directly. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(Usage.TEXT);
            return EXIT_CLEAN;
        }
        Report report = new Report();
        try {
            Options options = Options.parse(args);
            execute(options, report, err);
            report.print(out);
            return report.clean() ? EXIT_CLEAN : EXIT_UNCLEAN;
        } catch (MigrationException e) {
            report.print(out);
            err.println("error: " + e.getMessage());
            return EXIT_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted; re-running is safe");
            return EXIT_ERROR;
        }
    }

    private static void execute(Options options, Report report, PrintStream err) throws InterruptedException {
        boolean etcd = options.source().scheme() == Endpoint.Scheme.ETCD
                || options.source().scheme() == Endpoint.Scheme.ETCD_SNAPSHOT;
        if (options.command() == Options.Command.MIGRATE) {
            if (etcd) {
                new EtcdMigration(options, report, err).migrate();
            } else {
                new ZkMigration(options, report, err).migrate();
            }
        } else if (etcd) {
            new EtcdMigration(options, report, err).verify();
        } else {
            new ZkMigration(options, report, err).verify();
        }
    }
}
