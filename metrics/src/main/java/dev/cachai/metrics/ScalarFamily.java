package dev.cachai.metrics;

import java.util.List;
import java.util.Map;

/** A family whose children are one number each (counters, gauges): one sample line per child. */
abstract class ScalarFamily<C> extends Family<C> {
    ScalarFamily(String name, String help, String... labelNames) {
        super(name, help, labelNames);
    }

    abstract double valueOf(C child);

    @Override
    final void writeSamples(TextFormat.Writer out) {
        for (Map.Entry<List<String>, C> e : sortedChildren()) {
            out.sample(name(), labelNames(), e.getKey(), null, null, valueOf(e.getValue()));
        }
    }
}
