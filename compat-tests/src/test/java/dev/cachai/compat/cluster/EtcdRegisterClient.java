package dev.cachai.compat.cluster;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.cachai.compat.cluster.EtcdWriter.bytes;

/**
 * A jetcd client on one member: linearizable gets (read index), puts, and compare-and-set as a
 * txn comparing the key's mod revision.
 */
final class EtcdRegisterClient extends RegisterClient {
    private final Client client;
    private final KV kv;

    EtcdRegisterClient(String endpoint, int member, History history, List<String> keys) {
        super("etcd@m" + member, member, history, keys);
        this.client = Client.builder().endpoints(endpoint).build();
        this.kv = client.getKVClient();
    }

    @Override
    Seen read(String key) throws Exception {
        List<KeyValue> kvs = kv.get(bytes(key)).get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS).getKvs();
        return kvs.isEmpty() ? new Seen(null, 0)
                : new Seen(kvs.get(0).getValue().toString(StandardCharsets.UTF_8), kvs.get(0).getModRevision());
    }

    @Override
    void write(String key, String value) throws Exception {
        kv.put(bytes(key), bytes(value)).get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    boolean compareAndSet(String key, Seen expected, String value) throws Exception {
        return kv.txn().If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expected.version())))
                .Then(Op.put(bytes(key), bytes(value), PutOption.DEFAULT)).commit()
                .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS).isSucceeded();
    }

    @Override
    public void close() throws Exception {
        super.close();
        client.close();
    }
}
