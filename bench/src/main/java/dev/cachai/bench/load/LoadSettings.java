package dev.cachai.bench.load;

import java.time.Duration;
import java.util.List;

/**
 * What every run shares. {@code opsMax} of 0 means "run for {@code measure}"; otherwise the run
 * stops after that many measured operations or after {@code measure}, whichever comes first.
 */
public record LoadSettings(
        Duration warmup,
        Duration measure,
        long opsMax,
        List<Integer> clientsLevels,
        int connectionsMax,
        int valueBytes,
        int keyspaceKeys,
        Duration opTimeout,
        EtcdClientKind etcdClient,
        ZkClientKind zkClient) {

    public LoadSettings {
        clientsLevels = List.copyOf(clientsLevels);
        if (connectionsMax < 1 || valueBytes < 8 || keyspaceKeys < 1) {
            throw new IllegalArgumentException("connectionsMax, valueBytes >= 8, keyspaceKeys must be positive");
        }
    }

    public static LoadSettings defaults() {
        return new LoadSettings(Duration.ofSeconds(2), Duration.ofSeconds(8), 0, List.of(1, 16, 128),
                8, 256, 1000, Duration.ofSeconds(10), EtcdClientKind.GRPC,
                ZkClientKind.WIRE);
    }

    /** The same load for an unmeasured pass: {@code length} of running, none of it measured apart. */
    public LoadSettings unmeasuredPass(Duration length) {
        return new LoadSettings(Duration.ZERO, length, 0, clientsLevels, connectionsMax, valueBytes, keyspaceKeys,
                opTimeout, etcdClient, zkClient);
    }

    /** Connections for a run: each logical client shares one of at most connectionsMax connections. */
    public int connectionsFor(int clients) {
        return Math.min(clients, connectionsMax);
    }
}
