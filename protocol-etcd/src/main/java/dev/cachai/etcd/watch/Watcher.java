package dev.cachai.etcd.watch;

import dev.cachai.engine.Bytes;
import dev.cachai.engine.kv.Event;

/**
 * One watch on a stream: a key range, filters, and the next revision it still has to deliver.
 * Mutated only on its stream's serial executor.
 */
final class Watcher {
    final long id;
    final byte[] key;
    /** Empty: the single key; null: every key >= key; else the exclusive end. */
    final byte[] end;
    final boolean prevKv;
    final boolean noPut;
    final boolean noDelete;
    final boolean progressNotify;
    final boolean fragment;
    long nextRevision;
    /** Whether an event or progress went out since the last periodic progress check. */
    boolean sentSinceProgress;

    Watcher(long id, byte[] key, byte[] end, long nextRevision, boolean prevKv, boolean noPut, boolean noDelete,
            boolean progressNotify, boolean fragment) {
        this.id = id;
        this.key = key;
        this.end = end;
        this.nextRevision = nextRevision;
        this.prevKv = prevKv;
        this.noPut = noPut;
        this.noDelete = noDelete;
        this.progressNotify = progressNotify;
        this.fragment = fragment;
    }

    boolean matches(Event e) {
        if (e.type() == Event.Type.PUT ? noPut : noDelete) {
            return false;
        }
        byte[] k = e.kv().key();
        if (end != null && end.length == 0) {
            return java.util.Arrays.equals(k, key);
        }
        return Bytes.compare(k, key) >= 0 && (end == null || Bytes.compare(k, end) < 0);
    }
}
