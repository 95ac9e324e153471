package dev.cachai.etcd;

import dev.cachai.engine.ChangeListener;
import dev.cachai.engine.kv.Event;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrantRequest;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.PutResponse;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import io.grpc.stub.StreamObserver;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrpc;
import dev.cachai.etcd.proto.v3lockpb.LockGrpc;
import dev.cachai.etcd.proto.v3lockpb.LockRequest;
import dev.cachai.etcd.proto.v3lockpb.UnlockRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.cachai.etcd.KvServiceTest.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine tells listeners of a revision before reads can see it. Anything woken by a change
 * that re-reads the engine (lock and election waiters) must wait until the revision is visible.
 */
class VisibilityTest {
    /** Widens the gap between "listeners heard of it" and "reads see it" (fault injection). */
    private static final long INVISIBLE_NANOS = Duration.ofMillis(300).toNanos();

    @Test
    void lockWaiterWokenBeforeTheUnlockIsVisibleStillGetsTheLock() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            // Registered after the watch hub, so it runs after the hub was told and before reads see it.
            ChangeListener delay = change -> {
                if (change.events().stream().anyMatch(e -> e.type() == Event.Type.DELETE)) {
                    LockSupport.parkNanos(INVISIBLE_NANOS);
                }
            };
            etcd.gateway.engine().addListener(delay);
            var lease = LeaseGrpc.newBlockingStub(etcd.channel);
            long l1 = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(10).build()).getID();
            long l2 = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(10).build()).getID();
            var lock = LockGrpc.newBlockingStub(etcd.channel);
            var first = lock.lock(LockRequest.newBuilder().setName(b("m")).setLease(l1).build());
            var second = LockGrpc.newFutureStub(etcd.channel).lock(LockRequest.newBuilder().setName(b("m")).setLease(l2).build());
            assertThat(second.isDone()).isFalse();
            lock.unlock(UnlockRequest.newBuilder().setKey(first.getKey()).build());
            await().atMost(Duration.ofSeconds(5)).until(second::isDone);
            assertThat(second.get().getKey().toStringUtf8()).isEqualTo("m/" + Long.toHexString(l2));
        }
    }

    @Test
    void watchEventIsReadableAtItsRevisionAsSoonAsItArrives() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            etcd.gateway.engine().addListener(change -> LockSupport.parkNanos(INVISIBLE_NANOS));
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            List<String> reads = new CopyOnWriteArrayList<>();
            var watch = WatchGrpc.newStub(etcd.channel).watch(new StreamObserver<>() {
                @Override
                public void onNext(WatchResponse r) {
                    // What kube-apiserver does: read at the revision a watch event announced.
                    for (var e : r.getEventsList()) {
                        try {
                            reads.add(kv.range(RangeRequest.newBuilder().setKey(e.getKv().getKey())
                                    .setRevision(e.getKv().getModRevision()).build()).getKvs(0).getValue().toStringUtf8());
                        } catch (RuntimeException failed) {
                            reads.add(failed.getMessage());
                        }
                    }
                }
                @Override public void onError(Throwable t) { }
                @Override public void onCompleted() { }
            });
            watch.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder().setKey(b("v"))).build());
            CompletableFuture<PutResponse> put = CompletableFuture.supplyAsync(() ->
                    kv.put(PutRequest.newBuilder().setKey(b("v")).setValue(b("1")).build()));
            await().atMost(Duration.ofSeconds(5)).until(() -> !reads.isEmpty());
            assertThat(reads).containsExactly("1");
            put.get(5, TimeUnit.SECONDS);
        }
    }
}
