package dev.cachai.engine.kv;

import java.util.List;

/** Everything one committed revision changed, delivered at once so watchers see it atomically. */
public record Change(long revision, long timeMs, List<Event> events) {
    public Change {
        events = List.copyOf(events);
    }
}
