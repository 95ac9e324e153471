package dev.cachai.bench.probe;

import dev.cachai.bench.Args;
import dev.cachai.engine.Engine;
import dev.cachai.engine.command.Put;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Heap bytes the engine spends per key beyond the key and value bytes themselves: fill an Engine
 * through {@code apply(Put)}, force GC, and compare heap used with the empty baseline. Arrays are
 * created inside the loop and not kept here, so whatever stays reachable is held by the engine.
 * Run with a fixed heap (e.g. -Xms4g -Xmx4g) so GC does not resize the heap between readings.
 */
public final class HeapPerKey {
    private static final int GC_ROUNDS = 4;
    private static final int HISTOGRAM_LINES = 15;

    private HeapPerKey() {}

    public static void main(String[] argv) throws Exception {
        System.exit(run(argv));
    }

    public static int run(String[] argv) throws Exception {
        Args args = new Args(argv, 0);
        int keys = args.integer("keys", 1_000_000);
        int valueBytes = args.integer("value-bytes", 100);
        long baseline = usedAfterGc();
        Engine engine = new Engine();
        long rawBytes = fill(engine, keys, valueBytes);
        long used = usedAfterGc();
        double overhead = (double) (used - baseline - rawBytes) / keys;
        System.out.printf(Locale.ROOT, "keys=%d valueBytes=%d liveKeys=%d revision=%d%n",
                keys, valueBytes, engine.keyCount(), engine.revision());
        System.out.printf(Locale.ROOT, "heap used: baseline %,d B, filled %,d B, key+value bytes %,d B%n",
                baseline, used, rawBytes);
        System.out.printf(Locale.ROOT, "overhead per key: %.1f bytes (target <= 300)%n", overhead);
        if (!args.string("histogram", "true").equals("false")) {
            printClassHistogram();
        }
        // Keep the engine reachable until every reading is done.
        return engine.keyCount() == keys ? 0 : 1;
    }

    private static long fill(Engine engine, int keys, int valueBytes) {
        long rawBytes = 0;
        for (int i = 0; i < keys; i++) {
            byte[] key = String.format(Locale.ROOT, "/bench-heap/k%07d", i).getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[valueBytes];
            value[0] = (byte) i;
            engine.apply(i, Put.of(key, value));
            rawBytes += key.length + value.length;
        }
        return rawBytes;
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Where the bytes go: the live-object class histogram (the same as jcmd GC.class_histogram). */
    private static void printClassHistogram() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        histogram.lines().limit(HISTOGRAM_LINES).forEach(System.out::println);
    }
}
