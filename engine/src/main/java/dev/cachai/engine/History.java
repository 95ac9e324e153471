package dev.cachai.engine;

import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Entry;
import dev.cachai.engine.kv.Event;
import dev.cachai.engine.kv.KeyValue;

import java.util.ArrayList;
import java.util.List;

/** Rebuilds a past revision's events from the version chains. */
final class History {
    private History() {}

    static Change changeAt(EngineState s, long revision, byte[][] keys) {
        List<Event> events = new ArrayList<>(keys.length);
        long timeMs = 0;
        for (byte[] key : keys) {
            Entry e = s.kv.entry(key);
            KeyValue v = e == null ? null : e.head();
            while (v != null && v.modRevision() > revision) {
                v = s.kv.chainNext(v);
            }
            if (v == null || v.modRevision() != revision) {
                continue;
            }
            KeyValue prev = s.kv.chainNext(v);
            KeyValue prevLive = prev == null || prev.isTombstone() ? null : prev;
            if (v.isTombstone()) {
                events.add(new Event(Event.Type.DELETE, v, prevLive));
            } else {
                events.add(new Event(Event.Type.PUT, v, prevLive));
                timeMs = v.mtimeMs();
            }
        }
        return new Change(revision, timeMs, events);
    }
}
