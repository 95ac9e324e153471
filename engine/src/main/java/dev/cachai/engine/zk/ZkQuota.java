package dev.cachai.engine.zk;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ZooKeeper's quota layout and texts. A quota on path P is the node
 * {@code /zookeeper/quota<P>/zookeeper_limits}; the server keeps the usage of P's subtree in
 * {@code /zookeeper/quota<P>/zookeeper_stats}. Both hold StatsTrack texts: {@code key=value}
 * pairs split by ',' or ';' ("count=10,bytes=-1=;byteHardLimit=-1;countHardLimit=5").
 */
public final class ZkQuota {
    public static final String QUOTA_ROOT = "/zookeeper/quota";
    public static final String LIMIT_NODE = "zookeeper_limits";
    public static final String STATS_NODE = "zookeeper_stats";
    private static final String LIMIT_SUFFIX = "/" + LIMIT_NODE;
    private static final String STATS_SUFFIX = "/" + STATS_NODE;
    private static final Pattern PAIR_SEPARATORS = Pattern.compile("[,;]+");
    /** A missing key reads as -1 (no limit), as in ZooKeeper's StatsTrack. */
    private static final long UNSET = -1;

    private ZkQuota() {}

    /**
     * What a limit node says; -1 means no such limit. The soft limits only warn; the hard ones
     * fail writes where the server enforces quotas.
     */
    public record Limits(long count, long bytes, long countHard, long bytesHard) {}

    /** The node count and data bytes of a quota's subtree, as its stats node reads. */
    public record Usage(long count, long bytes) {
        public Usage plus(long countDiff, long bytesDiff) {
            return new Usage(count + countDiff, bytes + bytesDiff);
        }

        /** The stats node's text, as ZooKeeper writes it. */
        public byte[] text() {
            return ("count=" + count + ",bytes=" + bytes).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * What a quota says of a write: {@code code} is OK, QUOTAEXCEEDED (a hard limit passed) or
     * MARSHALLINGERROR (an unreadable limit node, as ZooKeeper answers it); {@code warning} is
     * ZooKeeper's log line when a soft or hard limit is passed, else null.
     */
    public record Verdict(int code, String warning) {
        public static final Verdict WITHIN = new Verdict(0, null);
    }

    public static String limitPath(String quotaPath) {
        return QUOTA_ROOT + quotaPath + LIMIT_SUFFIX;
    }

    public static String statsPath(String quotaPath) {
        return QUOTA_ROOT + quotaPath + STATS_SUFFIX;
    }

    /** P when {@code path} is P's limit node, else null. A quota on "/" is none: ZooKeeper never tracks the root. */
    public static String quotaOfLimitNode(String path) {
        return quotaOf(path, LIMIT_SUFFIX);
    }

    /** P when {@code path} is P's stats node, else null. */
    public static String quotaOfStatsNode(String path) {
        return quotaOf(path, STATS_SUFFIX);
    }

    private static String quotaOf(String path, String suffix) {
        if (!path.startsWith(QUOTA_ROOT + "/") || !path.endsWith(suffix)) {
            return null;
        }
        int end = path.length() - suffix.length();
        return end > QUOTA_ROOT.length() ? path.substring(QUOTA_ROOT.length(), end) : null;
    }

    /**
     * Reads a StatsTrack text as ZooKeeper does (later keys win, missing ones are -1); null when
     * ZooKeeper's parser would throw (no data, a pair without '=' and value, a value not a long).
     */
    public static Limits parseLimits(byte[] data) {
        Map<String, Long> pairs = parse(data);
        if (pairs == null) {
            return null;
        }
        return new Limits(pairs.getOrDefault("count", UNSET), pairs.getOrDefault("bytes", UNSET),
                pairs.getOrDefault("countHardLimit", UNSET), pairs.getOrDefault("byteHardLimit", UNSET));
    }

    private static Map<String, Long> parse(byte[] data) {
        if (data == null) {
            return null;
        }
        Map<String, Long> out = new HashMap<>();
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return out;
        }
        for (String pair : PAIR_SEPARATORS.split(text)) {
            String[] kv = pair.split("=");
            if (kv.length < 2) {
                return null;
            }
            try {
                out.put(kv[0], kv[1].isEmpty() ? UNSET : Long.parseLong(kv[1]));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }
}
