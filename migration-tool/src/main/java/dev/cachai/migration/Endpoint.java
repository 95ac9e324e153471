package dev.cachai.migration;

import java.nio.file.Path;

/**
 * Where data comes from or goes to: {@code zk://host:port[/path]}, {@code etcd://host:port[/prefix]} or
 * {@code zkdata:/path/to/zookeeper/dataDir} (offline snapshot + txn logs) or {@code etcd-snapshot:///path/to/snapshot.db}
 * (an etcd snapshot file, offline); as a target also {@code datadir:/path/to/new/data} (a new Cachai node's data
 * directory, written offline).
 */
public record Endpoint(Scheme scheme, String host, int port, String path) {
    public enum Scheme { ZK, ETCD, ZK_DATA, ETCD_SNAPSHOT, DATA_DIR }

    public static Endpoint parse(String text) {
        int sep = text.indexOf(':');
        if (sep < 0) {
            throw new MigrationException("not an endpoint: '" + text + "' (expected zk://host:port, etcd://host:port, zkdata:DIR, "
                    + "etcd-snapshot://FILE or datadir:DIR)");
        }
        String scheme = text.substring(0, sep);
        String rest = text.substring(sep + 1);
        Scheme local = localScheme(scheme);
        if (local != null) {
            String file = rest.startsWith("//") ? rest.substring(2) : rest;
            if (file.isEmpty()) {
                throw new MigrationException("missing path in '" + text + "'");
            }
            return new Endpoint(local, null, 0, file);
        }
        if (!rest.startsWith("//")) {
            throw new MigrationException("not an endpoint: '" + text + "'");
        }
        Scheme s = switch (scheme) {
            case "zk" -> Scheme.ZK;
            case "etcd" -> Scheme.ETCD;
            default -> throw new MigrationException("unknown scheme '" + scheme + "' in '" + text + "'");
        };
        String authority = rest.substring(2);
        int slash = authority.indexOf('/');
        String path = slash < 0 ? "" : authority.substring(slash);
        String hostPort = slash < 0 ? authority : authority.substring(0, slash);
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new MigrationException("missing port in '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new MigrationException("bad port in '" + text + "'");
        }
        return new Endpoint(s, hostPort.substring(0, colon), port, path);
    }

    /** The schemes that name a file or directory on this machine, or null. */
    private static Scheme localScheme(String scheme) {
        return switch (scheme) {
            case "zkdata" -> Scheme.ZK_DATA;
            case "etcd-snapshot" -> Scheme.ETCD_SNAPSHOT;
            case "datadir" -> Scheme.DATA_DIR;
            default -> null;
        };
    }

    /** The ZooKeeper subtree root this endpoint names: "/" when none was given. */
    public String zkRoot() {
        if (scheme != Scheme.ZK && scheme != Scheme.ETCD || path == null || path.isEmpty() || path.equals("/")) {
            return "/";
        }
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    public String hostPort() {
        return host + ":" + port;
    }

    public Path dir() {
        return Path.of(path);
    }

    @Override
    public String toString() {
        return switch (scheme) {
            case ZK -> "zk://" + hostPort() + path;
            case ETCD -> "etcd://" + hostPort() + path;
            case ZK_DATA -> "zkdata:" + path;
            case ETCD_SNAPSHOT -> "etcd-snapshot://" + path;
            case DATA_DIR -> "datadir:" + path;
        };
    }
}
