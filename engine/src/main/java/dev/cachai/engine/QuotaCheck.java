package dev.cachai.engine;

import dev.cachai.engine.zk.ZkQuota;

import java.nio.charset.StandardCharsets;

/**
 * ZooKeeper's quota check of a create or setData (ZooKeeperServer.checkQuota): against the state
 * before the write, the quota the path counts toward, its limit node's limits and its usage. A
 * hard limit takes precedence over the soft one of the same kind; only a passed hard limit fails.
 * Of two passed soft limits the verdict carries the count's warning (ZooKeeper logs both).
 */
final class QuotaCheck {
    private QuotaCheck() {}

    static ZkQuota.Verdict of(EngineState s, String path, long bytesDiff, int countDiff) {
        ZkQuotas.View view = s.quotas.published();
        if (view.quotas().isEmpty()) {
            return ZkQuota.Verdict.WITHIN;
        }
        String quota = view.quotaFor(path.getBytes(StandardCharsets.UTF_8));
        if (quota == null) {
            return ZkQuota.Verdict.WITHIN;
        }
        var limitNode = s.kv.get(ZkQuota.limitPath(quota).getBytes(StandardCharsets.UTF_8), s.revision);
        if (limitNode == null) {
            return ZkQuota.Verdict.WITHIN;
        }
        ZkQuota.Limits limits = ZkQuota.parseLimits(limitNode.isNullValue() ? null : limitNode.value());
        if (limits == null) {
            return new ZkQuota.Verdict(ZkCode.MARSHALLINGERROR, null);
        }
        boolean checkCount = countDiff != 0 && (limits.count() > -1 || limits.countHard() > -1);
        boolean checkBytes = bytesDiff != 0 && (limits.bytes() > -1 || limits.bytesHard() > -1);
        ZkQuota.Usage usage = view.usage().get(quota);
        if (!checkCount && !checkBytes || usage == null) {
            return ZkQuota.Verdict.WITHIN;
        }
        ZkQuota.Verdict verdict = ZkQuota.Verdict.WITHIN;
        if (checkCount) {
            verdict = against(quota, "count", "Count", usage.count() + countDiff, limits.count(), limits.countHard());
        }
        if (checkBytes && verdict.code() == ZkCode.OK) {
            ZkQuota.Verdict bytes = against(quota, "bytes", "Byte", usage.bytes() + bytesDiff, limits.bytes(),
                    limits.bytesHard());
            verdict = bytes.code() != ZkCode.OK || verdict.warning() == null ? bytes : verdict;
        }
        return verdict;
    }

    private static ZkQuota.Verdict against(String quota, String measure, String limitName, long after, long soft,
                                           long hard) {
        boolean isHard = hard > -1;
        long limit = isHard ? hard : soft;
        if (after <= limit) {
            return ZkQuota.Verdict.WITHIN;
        }
        String warning = "Quota exceeded: " + quota + " [current " + measure + "=" + after + ", "
                + (isHard ? "hard" : "soft") + limitName + "Limit=" + limit + "]";
        return new ZkQuota.Verdict(isHard ? ZkCode.QUOTAEXCEEDED : ZkCode.OK, warning);
    }
}
