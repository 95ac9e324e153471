package dev.cachai.bench.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.util.concurrent.CompletableFuture;

/** The workloads' KV calls through jetcd, the library Java applications use. */
final class JetcdKv implements EtcdKv {
    private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

    private final EtcdPool pool;

    JetcdKv(EtcdPool pool) {
        this.pool = pool;
    }

    @Override
    public CompletableFuture<?> put(int client, byte[] key, byte[] value) {
        return pool.kv(client).put(ByteSequence.from(key), ByteSequence.from(value));
    }

    @Override
    public CompletableFuture<Integer> get(int client, byte[] key, boolean serializable) {
        return pool.kv(client).get(ByteSequence.from(key), serializable ? SERIALIZABLE : GetOption.DEFAULT)
                .thenApply(r -> r.getKvs().size());
    }

    @Override
    public CompletableFuture<Boolean> putIfVersion(int client, byte[] key, long version, byte[] value) {
        ByteSequence k = ByteSequence.from(key);
        return pool.kv(client).txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(version)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit()
                .thenApply(r -> r.isSucceeded());
    }

    @Override
    public void close() {
        pool.close();
    }
}
