package dev.cachai.engine;

import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkQuota;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The usage of every ZooKeeper quota, kept up to date as writes apply. A quota on P exists while
 * P's limit node lives; its usage is counted while its stats node lives too. A node counts
 * toward the quota on its longest quota'd ancestor-or-self (ZooKeeper's getMaxPrefixWithQuota),
 * and the quota's own node counts. The usage is a function of the keyspace alone (recounted
 * when a quota appears or goes, and after a snapshot restore), so every replica has the same.
 *
 * <p>Apply changes a working copy; {@link #publish} makes it what readers and the quota check
 * see, so the check reads the state before the write being applied, as ZooKeeper's does.
 */
final class ZkQuotas {
    private static final byte[] QUOTA_PREFIX = (ZkQuota.QUOTA_ROOT + "/").getBytes(StandardCharsets.UTF_8);

    /** Quota paths (each with its UTF-8 bytes) and usages, frozen for readers. */
    record View(Map<String, byte[]> quotas, Map<String, ZkQuota.Usage> usage) {
        static final View EMPTY = new View(Map.of(), Map.of());

        /** The quota a node at {@code key} counts toward, or null. */
        String quotaFor(byte[] key) {
            return ZkQuotas.quotaFor(quotas, key);
        }
    }

    private final Map<String, byte[]> quotas = new HashMap<>();
    private final Map<String, ZkQuota.Usage> usage = new HashMap<>();
    private volatile View published = View.EMPTY;
    private boolean dirty;

    /** Whether writing {@code key} can change anything here (false on the hot path when no quota exists). */
    boolean touchedBy(byte[] key) {
        return !quotas.isEmpty() || Bytes.startsWith(key, QUOTA_PREFIX);
    }

    View published() {
        return published;
    }

    /** Makes the working state what readers see; called once a revision's writes are all in place. */
    void publish() {
        if (dirty) {
            published = new View(Map.copyOf(quotas), Map.copyOf(usage));
            dirty = false;
        }
    }

    /** The working state, to restore if the running write is undone. */
    View checkpoint() {
        return new View(new HashMap<>(quotas), new HashMap<>(usage));
    }

    void restore(View saved) {
        quotas.clear();
        quotas.putAll(saved.quotas());
        usage.clear();
        usage.putAll(saved.usage());
        dirty = true;
    }

    // ---- what writes report (apply thread) ----

    void created(EngineState s, KeyValue node, long rev) {
        if (!ZkPaths.isNodeKey(node.key())) {
            return;
        }
        add(node.key(), 1, node.value().length);
        String path = structural(node.key());
        if (path == null) {
            return;
        }
        String limited = ZkQuota.quotaOfLimitNode(path);
        if (limited != null) {
            quotas.put(limited, limited.getBytes(StandardCharsets.UTF_8));
            dirty = true;
            recount(s, limited, rev);
            recount(s, enclosing(limited), rev);
        }
        String counted = ZkQuota.quotaOfStatsNode(path);
        if (counted != null) {
            recount(s, counted, rev);
        }
    }

    void dataChanged(KeyValue before, KeyValue after) {
        if (ZkPaths.isNodeKey(after.key())) {
            add(after.key(), 0, after.value().length - before.value().length);
        }
    }

    void deleted(EngineState s, KeyValue node, long rev) {
        if (!ZkPaths.isNodeKey(node.key())) {
            return;
        }
        add(node.key(), -1, -node.value().length);
        String path = structural(node.key());
        if (path == null) {
            return;
        }
        String limited = ZkQuota.quotaOfLimitNode(path);
        if (limited != null && quotas.remove(limited) != null) {
            usage.remove(limited);
            dirty = true;
            recount(s, enclosing(limited), rev);
        }
        String counted = ZkQuota.quotaOfStatsNode(path);
        if (counted != null && usage.remove(counted) != null) {
            dirty = true;
        }
    }

    private void add(byte[] key, long countDiff, long bytesDiff) {
        if (quotas.isEmpty()) {
            return;
        }
        String quota = quotaFor(quotas, key);
        ZkQuota.Usage u = quota == null ? null : usage.get(quota);
        if (u != null) {
            usage.put(quota, u.plus(countDiff, bytesDiff));
            dirty = true;
        }
    }

    /** The path of a key that may be a limit or stats node, else null (most keys, without decoding them). */
    private static String structural(byte[] key) {
        return Bytes.startsWith(key, QUOTA_PREFIX) ? new String(key, StandardCharsets.UTF_8) : null;
    }

    /** The quota on the longest proper ancestor of {@code quota}, or null. */
    private String enclosing(String quota) {
        String parent = quota;
        while (!(parent = ZkPaths.parent(parent)).equals("/")) {
            if (quotas.containsKey(parent)) {
                return parent;
            }
        }
        return null;
    }

    /** Counts {@code quota}'s usage from the keyspace, if it is a quota whose stats node lives. */
    private void recount(EngineState s, String quota, long rev) {
        if (quota == null || !quotas.containsKey(quota)) {
            return;
        }
        byte[] statsKey = ZkQuota.statsPath(quota).getBytes(StandardCharsets.UTF_8);
        if (s.kv.get(statsKey, rev) == null) {
            return;
        }
        byte[] self = quota.getBytes(StandardCharsets.UTF_8);
        long[] counted = new long[2];
        KeyValue own = s.kv.get(self, rev);
        if (own != null) {
            counted[0]++;
            counted[1] += own.value().length;
        }
        byte[] below = Bytes.concat(self, new byte[] {'/'});
        s.kv.scan(below, Bytes.prefixEnd(below), rev, (kv, e) -> {
            if (ZkPaths.isNodeKey(kv.key()) && quota.equals(quotaFor(quotas, kv.key()))) {
                counted[0]++;
                counted[1] += kv.value().length;
            }
            return true;
        });
        usage.put(quota, new ZkQuota.Usage(counted[0], counted[1]));
        dirty = true;
    }

    /** Rebuilds everything from the keyspace (after a snapshot restore). */
    void rebuild(EngineState s, long rev) {
        quotas.clear();
        usage.clear();
        byte[] from = QUOTA_PREFIX;
        s.kv.scan(from, Bytes.prefixEnd(from), rev, (kv, e) -> {
            String limited = ZkPaths.isNodeKey(kv.key()) ? ZkQuota.quotaOfLimitNode(Bytes.string(kv.key())) : null;
            if (limited != null) {
                quotas.put(limited, limited.getBytes(StandardCharsets.UTF_8));
            }
            return true;
        });
        for (String quota : quotas.keySet().toArray(new String[0])) {
            recount(s, quota, rev);
        }
        dirty = true;
        publish();
    }

    /** The quota with the longest path that is {@code key} or one of its ancestors, or null. */
    private static String quotaFor(Map<String, byte[]> quotas, byte[] key) {
        String best = null;
        int bestLength = -1;
        for (Map.Entry<String, byte[]> q : quotas.entrySet()) {
            byte[] p = q.getValue();
            if (p.length > bestLength && covers(p, key)) {
                best = q.getKey();
                bestLength = p.length;
            }
        }
        return best;
    }

    /** Whether {@code prefix} is {@code key} or one of its ancestors, by whole path segments. */
    static boolean covers(byte[] prefix, byte[] key) {
        return Bytes.startsWith(key, prefix) && (key.length == prefix.length || key[prefix.length] == '/');
    }
}
