package dev.cachai.bench.load;

import dev.cachai.bench.etcd.EtcdPut;
import dev.cachai.bench.etcd.EtcdRange;
import dev.cachai.bench.etcd.EtcdTxnCas;
import dev.cachai.bench.etcd.EtcdWatch;
import dev.cachai.bench.zk.ZkCreate;
import dev.cachai.bench.zk.ZkGetChildren;
import dev.cachai.bench.zk.ZkReadWrite;
import dev.cachai.bench.zk.ZkWatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every workload by name, in report order. A workload instance serves one run. */
public final class WorkloadCatalog {
    private static final Map<String, Supplier<Workload>> ALL = new LinkedHashMap<>();

    static {
        add(EtcdPut::new);
        add(() -> new EtcdRange(false));
        add(() -> new EtcdRange(true));
        add(EtcdTxnCas::new);
        add(EtcdWatch::new);
        add(ZkCreate::new);
        add(() -> new ZkReadWrite(0));
        add(() -> new ZkReadWrite(100));
        add(ZkGetChildren::new);
        add(() -> new ZkReadWrite(90));
        add(ZkWatch::new);
    }

    private WorkloadCatalog() {}

    private static void add(Supplier<Workload> factory) {
        try (Workload probe = factory.get()) {
            ALL.put(probe.name(), factory);
        }
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** Workloads whose name contains any of the filters ("all" or an empty list selects all). */
    public static Map<String, Supplier<Workload>> select(List<String> filters) {
        Map<String, Supplier<Workload>> chosen = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<Workload>> e : ALL.entrySet()) {
            if (filters.isEmpty() || filters.contains("all") || matchesAny(e.getKey(), filters)) {
                chosen.put(e.getKey(), e.getValue());
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no workload matches " + filters + "; known: " + names());
        }
        return chosen;
    }

    private static boolean matchesAny(String name, List<String> filters) {
        return new ArrayList<>(filters).stream().anyMatch(name::contains);
    }

    public static Protocol protocolOf(String name) {
        return name.startsWith("etcd-") ? Protocol.ETCD : Protocol.ZOOKEEPER;
    }
}
