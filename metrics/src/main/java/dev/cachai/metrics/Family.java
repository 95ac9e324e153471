package dev.cachai.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One metric name with its help, type and label names, and one child per set of label values.
 * Children are created on first use and kept; looking one up is lock-free once it exists.
 *
 * @param <C> the child type: {@link Counter}, {@link Gauge} or {@link Histogram}
 */
public abstract class Family<C> {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Label sets per family: a label fed from unbounded input must not grow memory without end. */
    static final int CHILDREN_MAX = 10_000;

    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Map<List<String>, C> children = new ConcurrentHashMap<>();
    private volatile C unlabelled;

    Family(String name, String help, String... labelNames) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name '" + name + "'");
        }
        for (String label : labelNames) {
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__") || label.equals("le")) {
                throw new IllegalArgumentException("invalid label name '" + label + "' for " + name);
            }
        }
        this.name = name;
        this.help = help;
        this.labelNames = List.of(labelNames);
    }

    public final String name() {
        return name;
    }

    public final String help() {
        return help;
    }

    public final List<String> labelNames() {
        return labelNames;
    }

    public abstract MetricType type();

    abstract C newChild();

    /** The child for these label values (one per label name, in order), created on first use. */
    public final C labels(String... values) {
        if (values.length == 0 && labelNames.isEmpty()) {
            C c = unlabelled;
            return c != null ? c : unlabelledChild();
        }
        List<String> key = List.of(values);
        C existing = children.get(key);
        if (existing != null) {
            return existing;
        }
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes labels " + labelNames + ", got " + Arrays.toString(values));
        }
        if (children.size() >= CHILDREN_MAX) {
            throw new IllegalStateException(name + " already has " + CHILDREN_MAX + " label sets");
        }
        return children.computeIfAbsent(key, k -> newChild());
    }

    private synchronized C unlabelledChild() {
        if (unlabelled == null) {
            unlabelled = children.computeIfAbsent(List.of(), k -> newChild());
        }
        return unlabelled;
    }

    /** Every child with its label values, sorted by label values (the order Prometheus clients write). */
    final List<Map.Entry<List<String>, C>> sortedChildren() {
        List<Map.Entry<List<String>, C>> out = new ArrayList<>(children.entrySet());
        out.sort((a, b) -> compare(a.getKey(), b.getKey()));
        return out;
    }

    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** Writes this family's samples (not its HELP and TYPE lines). */
    abstract void writeSamples(TextFormat.Writer out);

    boolean sameShape(MetricType type, List<String> labelNames) {
        return type() == type && this.labelNames.equals(labelNames);
    }
}
