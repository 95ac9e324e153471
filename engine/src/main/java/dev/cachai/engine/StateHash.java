package dev.cachai.engine;

import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.zk.NodeMeta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/** Hashes of the state, to compare replicas (etcd's HashKV, and a whole-state hash). */
final class StateHash {
    private StateHash() {}

    /** etcd HashKV: every version (tombstones included) with compactRevision <= modRevision <= rev. */
    static long hashKv(EngineState s, long rev) {
        CRC32C crc = new CRC32C();
        long compact = s.compactRevision;
        s.kv.forEachEntry(e -> {
            for (KeyValue v = e.head(); v != null; v = olderOf(s, v)) {
                if (v.modRevision() <= rev && v.modRevision() >= compact) {
                    update(crc, v);
                }
            }
        });
        return crc.getValue();
    }

    /**
     * Everything replicated at the current revision: the history reads can still see (what lies
     * below the compaction point may or may not be pruned yet), ZooKeeper meta, leases and
     * session owners, auth revision.
     */
    static long full(EngineState s, long authRevision) {
        CRC32C crc = new CRC32C();
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(s.revision).putLong(s.compactRevision);
        crc.update(b.array());
        long compact = s.compactRevision;
        s.kv.forEachEntry(e -> {
            for (KeyValue v = e.head(); v != null; v = olderOf(s, v)) {
                if (v.modRevision() <= compact) {
                    if (!v.isTombstone()) {
                        update(crc, v);
                    }
                    break;
                }
                update(crc, v);
            }
            if (e.head() != null && !e.head().isTombstone()
                    && (e.meta() != null || dev.cachai.engine.zk.ZkPaths.isNodeKey(e.head().key()))) {
                // The meta in force, whether stored or derived: replicas may differ in which they keep.
                update(crc, ZkView.metaAt(e, e.head(), s.revision));
            }
        });
        update(crc, s.rootMeta);
        for (long id : s.leases.ids()) {
            Lease l = s.leases.get(id);
            ByteBuffer lb = ByteBuffer.allocate(24);
            lb.putLong(id).putLong(l.ttlMs()).putInt(l.keyCount()).putInt(l.owner());
            crc.update(lb.array());
        }
        ByteBuffer ab = ByteBuffer.allocate(8);
        ab.putLong(authRevision);
        crc.update(ab.array());
        return crc.getValue();
    }

    private static KeyValue olderOf(EngineState s, KeyValue v) {
        return s.kv.chainNext(v);
    }

    private static void update(CRC32C crc, KeyValue v) {
        crc.update(v.key());
        crc.update(v.value());
        ByteBuffer b = ByteBuffer.allocate(8 * 6 + 1);
        b.putLong(v.createRevision()).putLong(v.modRevision()).putLong(v.version()).putLong(v.lease())
                .putLong(v.ctimeMs()).putLong(v.mtimeMs()).put((byte) (v.isNullValue() ? 1 : 0));
        crc.update(b.array());
    }

    private static void update(CRC32C crc, NodeMeta m) {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.putInt(m.kind().ordinal()).putLong(m.ttlMs()).putLong(m.ephemeralOwner()).putInt(m.cversion())
                .putLong(m.pzxid()).putInt(m.aversion()).putInt(m.numChildren());
        crc.update(b.array(), 0, b.position());
        m.acl().forEach(a -> {
            crc.update(a.perms());
            crc.update(a.scheme().getBytes(StandardCharsets.UTF_8));
            crc.update(a.id().getBytes(StandardCharsets.UTF_8));
        });
    }
}
