package dev.cachai.engine;

import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.result.RangeResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** etcd Range over the multi-version store, with etcd's option semantics. */
final class KvReads {
    private KvReads() {}

    /** Either the result or the error for a range at {@code current} (the revision reads see). */
    static Object range(EngineState s, RangeRequest r, long current) {
        long rev = r.revision() <= 0 ? current : r.revision();
        if (rev > current) {
            return EtcdError.FUTURE_REV;
        }
        if (rev < s.compactRevision) {
            return EtcdError.COMPACTED;
        }
        boolean needsAll = r.sortOrder() != RangeRequest.SortOrder.NONE
                || r.minModRevision() != 0 || r.maxModRevision() != 0
                || r.minCreateRevision() != 0 || r.maxCreateRevision() != 0;
        long fetchLimit = needsAll || r.limit() <= 0 ? Long.MAX_VALUE : r.limit() + 1;
        List<KeyValue> kvs = new ArrayList<>();
        long[] count = {0};
        visit(s, r.key(), r.rangeEnd(), rev, kv -> {
            count[0]++;
            if (!r.countOnly() && kvs.size() < fetchLimit) {
                kvs.add(kv);
            }
        });
        if (r.countOnly()) {
            return new RangeResult(current, List.of(), false, count[0]);
        }
        List<KeyValue> filtered = filter(kvs, r);
        sort(filtered, r);
        boolean more = false;
        if (r.limit() > 0 && filtered.size() > r.limit()) {
            filtered = new ArrayList<>(filtered.subList(0, (int) r.limit()));
            more = true;
        }
        if (r.keysOnly()) {
            filtered.replaceAll(kv -> KeyValue.of(kv.key(), Bytes.EMPTY, kv.createRevision(), kv.modRevision(),
                    kv.version(), kv.lease()));
        }
        return new RangeResult(current, filtered, more, count[0]);
    }

    /** Visits live keys at {@code rev} selected by etcd's (key, range_end) conventions. */
    static void visit(EngineState s, byte[] key, byte[] rangeEnd, long rev, java.util.function.Consumer<KeyValue> f) {
        if (rangeEnd.length == 0) {
            KeyValue kv = s.kv.get(key, rev);
            if (kv != null) {
                f.accept(kv);
            }
            return;
        }
        byte[] end = rangeEnd.length == 1 && rangeEnd[0] == 0 ? null : rangeEnd;
        if (end != null && Bytes.compare(end, key) <= 0) {
            return;
        }
        s.kv.scan(key, end, rev, (kv, e) -> {
            f.accept(kv);
            return true;
        });
    }

    private static List<KeyValue> filter(List<KeyValue> kvs, RangeRequest r) {
        if (r.minModRevision() == 0 && r.maxModRevision() == 0 && r.minCreateRevision() == 0
                && r.maxCreateRevision() == 0) {
            return kvs;
        }
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : kvs) {
            if (r.maxModRevision() != 0 && kv.modRevision() > r.maxModRevision()) continue;
            if (r.minModRevision() != 0 && kv.modRevision() < r.minModRevision()) continue;
            if (r.maxCreateRevision() != 0 && kv.createRevision() > r.maxCreateRevision()) continue;
            if (r.minCreateRevision() != 0 && kv.createRevision() < r.minCreateRevision()) continue;
            out.add(kv);
        }
        return out;
    }

    private static void sort(List<KeyValue> kvs, RangeRequest r) {
        RangeRequest.SortOrder order = r.sortOrder();
        if (r.sortTarget() != RangeRequest.SortTarget.KEY && order == RangeRequest.SortOrder.NONE) {
            order = RangeRequest.SortOrder.ASCEND;
        }
        if (order == RangeRequest.SortOrder.NONE || order == RangeRequest.SortOrder.UNKNOWN) {
            return;
        }
        Comparator<KeyValue> c = switch (r.sortTarget()) {
            case KEY -> (a, b) -> Bytes.compare(a.key(), b.key());
            case VERSION -> Comparator.comparingLong(KeyValue::version);
            case CREATE -> Comparator.comparingLong(KeyValue::createRevision);
            case MOD -> Comparator.comparingLong(KeyValue::modRevision);
            case VALUE -> (a, b) -> Bytes.compare(a.value(), b.value());
        };
        kvs.sort(order == RangeRequest.SortOrder.DESCEND ? c.reversed() : c);
    }
}
