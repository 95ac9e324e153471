package dev.cachai.migration.cli;

import dev.cachai.migration.Endpoint;
import dev.cachai.migration.MigrationException;
import dev.cachai.migration.datadir.ClusterIdentity;

import java.time.Duration;
import java.util.List;

/** The parsed command line; {@code cluster} is the new cluster a {@code datadir:} target is written for, else null. */
public record Options(Command command, Endpoint source, Endpoint target, boolean dryRun, boolean ephemeralsAsPersistent,
                      String sourceZkAuth, String targetZkAuth, String sourceEtcdUser, String targetEtcdUser,
                      Duration connectTimeout, boolean progress, String zkTxnLogDir, ClusterIdentity cluster) {
    public enum Command { MIGRATE, VERIFY }

    public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(10);

    public static Options parse(List<String> args) {
        if (args.isEmpty()) {
            throw new MigrationException("missing command\n" + Usage.TEXT);
        }
        Command command = switch (args.get(0)) {
            case "migrate" -> Command.MIGRATE;
            case "verify" -> Command.VERIFY;
            default -> throw new MigrationException("unknown command '" + args.get(0) + "'\n" + Usage.TEXT);
        };
        Builder b = new Builder();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                if (b.source != null) {
                    throw new MigrationException("more than one source given: '" + a + "'");
                }
                b.source = Endpoint.parse(a);
                continue;
            }
            i = b.option(a, args, i);
        }
        return b.build(command);
    }

    private static final class Builder {
        Endpoint source;
        Endpoint target;
        boolean dryRun;
        boolean ephemeralsAsPersistent;
        String zkAuth;
        String targetZkAuth;
        String etcdUser;
        String targetEtcdUser;
        Duration connectTimeout = CONNECT_TIMEOUT_DEFAULT;
        boolean progress = true;
        String zkTxnLogDir;
        String name;
        String initialCluster;

        /** Consumes one option (and its value) starting at {@code i}; returns the index of the last consumed arg. */
        int option(String a, List<String> args, int i) {
            switch (a) {
                case "--dry-run" -> dryRun = true;
                case "--ephemerals-as-persistent" -> ephemeralsAsPersistent = true;
                case "--no-progress" -> progress = false;
                case "--source" -> source = Endpoint.parse(value(a, args, i));
                case "--target" -> target = Endpoint.parse(value(a, args, i));
                case "--zk-auth" -> zkAuth = value(a, args, i);
                case "--target-zk-auth" -> targetZkAuth = value(a, args, i);
                case "--etcd-user" -> etcdUser = value(a, args, i);
                case "--target-etcd-user" -> targetEtcdUser = value(a, args, i);
                case "--zk-txnlog-dir" -> zkTxnLogDir = value(a, args, i);
                case "--name" -> name = value(a, args, i);
                case "--initial-cluster" -> initialCluster = value(a, args, i);
                case "--connect-timeout-seconds" -> connectTimeout = Duration.ofSeconds(seconds(value(a, args, i)));
                default -> throw new MigrationException("unknown option '" + a + "'\n" + Usage.TEXT);
            }
            return a.equals("--dry-run") || a.equals("--ephemerals-as-persistent") || a.equals("--no-progress") ? i : i + 1;
        }

        Options build(Command command) {
            if (source == null) {
                throw new MigrationException("missing source\n" + Usage.TEXT);
            }
            if (target == null && !(command == Command.MIGRATE && dryRun)) {
                throw new MigrationException("missing --target");
            }
            if (source.scheme() == Endpoint.Scheme.DATA_DIR) {
                throw new MigrationException("datadir: is a target only (a new node's data directory)");
            }
            if (target != null) {
                checkPair(source, target);
            }
            checkAuth(zkAuth);
            checkAuth(targetZkAuth);
            return new Options(command, source, target, dryRun, ephemeralsAsPersistent, zkAuth,
                    targetZkAuth != null ? targetZkAuth : zkAuth, etcdUser,
                    targetEtcdUser != null ? targetEtcdUser : etcdUser, connectTimeout, progress, zkTxnLogDir,
                    cluster(command));
        }

        /** The new cluster's members, only for a datadir: target, which cannot be verified before a server runs on it. */
        private ClusterIdentity cluster(Command command) {
            boolean dataDir = target != null && target.scheme() == Endpoint.Scheme.DATA_DIR;
            if (!dataDir) {
                if (name != null || initialCluster != null) {
                    throw new MigrationException("--name and --initial-cluster are for a datadir: target only");
                }
                return null;
            }
            if (command == Command.VERIFY) {
                throw new MigrationException("verify reads a running Cachai: start cachai-server on " + target.path()
                        + " and verify against its zk:// or etcd:// address");
            }
            return ClusterIdentity.of(name, initialCluster);
        }
    }

    /**
     * ZooKeeper data goes through Cachai's ZooKeeper API so ACLs and node kinds stay exact; etcd data through etcd's.
     * Either kind can be written into a new data directory.
     */
    private static void checkPair(Endpoint source, Endpoint target) {
        boolean zkSource = source.scheme() == Endpoint.Scheme.ZK || source.scheme() == Endpoint.Scheme.ZK_DATA;
        Endpoint.Scheme wanted = zkSource ? Endpoint.Scheme.ZK : Endpoint.Scheme.ETCD;
        if (target.scheme() != wanted && target.scheme() != Endpoint.Scheme.DATA_DIR) {
            throw new MigrationException("a " + (zkSource ? "ZooKeeper" : "etcd") + " source needs a "
                    + (zkSource ? "zk://" : "etcd://") + " or datadir: target, got " + target);
        }
    }

    private static void checkAuth(String auth) {
        if (auth != null && (auth.indexOf(':') <= 0 || auth.indexOf(':') == auth.length() - 1)) {
            throw new MigrationException("--zk-auth wants scheme:credentials, e.g. digest:user:pass");
        }
    }

    private static String value(String option, List<String> args, int i) {
        if (i + 1 >= args.size()) {
            throw new MigrationException(option + " needs a value");
        }
        return args.get(i + 1);
    }

    private static long seconds(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new MigrationException("not a number of seconds: '" + text + "'");
        }
    }
}
