package dev.cachai.bench.etcd;

import dev.cachai.bench.load.Endpoints;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A fixed set of jetcd clients (one gRPC channel each); logical client i uses connection i % size. */
final class EtcdPool implements AutoCloseable {
    private final List<Client> clients = new ArrayList<>();

    private static final long CONNECT_SECONDS_MAX = 30;

    EtcdPool(Endpoints target, int connections) throws Exception {
        for (int i = 0; i < connections; i++) {
            clients.add(Client.builder().endpoints(target.etcdUrls()).build());
        }
        connect();
    }

    /**
     * jetcd connects lazily, and a cold JVM needs seconds to load the gRPC stack: one read per
     * connection here keeps that out of the warm-up and measurement windows.
     */
    private void connect() throws Exception {
        ByteSequence probe = ByteSequence.from("/bench-connect", StandardCharsets.UTF_8);
        for (Client c : clients) {
            c.getKVClient().get(probe).get(CONNECT_SECONDS_MAX, TimeUnit.SECONDS);
        }
    }

    KV kv(int client) {
        return clients.get(client % clients.size()).getKVClient();
    }

    Watch watch(int client) {
        return clients.get(client % clients.size()).getWatchClient();
    }

    @Override
    public void close() {
        for (Client c : clients) {
            c.close();
        }
        clients.clear();
    }
}
