package dev.cachai.zk.admin;

/**
 * What the cons word shows of one connection after its session started: the last operation,
 * cxid, zxid and response time, and request latencies. Touched on the connection's event loop,
 * read by the admin words from other threads (stale values are fine there).
 */
public final class ConnectionStats {
    private static final long NANOS_PER_MS = 1_000_000L;

    private final long establishedMs = System.currentTimeMillis();
    private volatile String lastOp = "NA";
    private volatile long lastCxid = -1;
    private volatile long lastZxid = -1;
    private volatile long lastResponseMs;
    private volatile long lastLatencyMs;
    private volatile long minLatencyMs = Long.MAX_VALUE;
    private volatile long maxLatencyMs;
    private volatile long totalLatencyMs;
    private volatile long count;

    public void answered(String op, int cxid, long zxid, long latencyNanos) {
        long ms = Math.max(0, latencyNanos / NANOS_PER_MS);
        lastOp = op;
        if (cxid >= 0) {
            lastCxid = cxid; // pings and other special xids are not the client's last operation
        }
        lastZxid = zxid;
        lastResponseMs = System.currentTimeMillis();
        lastLatencyMs = ms;
        minLatencyMs = Math.min(minLatencyMs, ms);
        maxLatencyMs = Math.max(maxLatencyMs, ms);
        totalLatencyMs += ms;
        count++;
    }

    /** Back to a fresh connection's values but its start time (ZooKeeper's resetStats). */
    public void reset() {
        lastOp = "NA";
        lastCxid = -1;
        lastZxid = -1;
        lastResponseMs = 0;
        lastLatencyMs = 0;
        minLatencyMs = Long.MAX_VALUE;
        maxLatencyMs = 0;
        totalLatencyMs = 0;
        count = 0;
    }

    /** The fields after "sid=..." in ZooKeeper's cons line. */
    public String consFields(int timeoutMs) {
        long n = count;
        return ",lop=" + lastOp + ",est=" + establishedMs + ",to=" + timeoutMs
                + (lastCxid >= 0 ? ",lcxid=0x" + Long.toHexString(lastCxid) : "") + ",lzxid=0x" + Long.toHexString(lastZxid)
                + ",lresp=" + lastResponseMs + ",llat=" + lastLatencyMs
                + ",minlat=" + (n == 0 ? 0 : minLatencyMs) + ",avglat=" + (n == 0 ? 0 : totalLatencyMs / n)
                + ",maxlat=" + maxLatencyMs;
    }
}
