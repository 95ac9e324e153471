package dev.cachai.etcd;

import dev.cachai.etcd.proto.etcdserverpb.*;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.cachai.etcd.KvServiceTest.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WatchLeaseTest {
    private InProcessEtcd etcd;
    private KVGrpc.KVBlockingStub kv;
    private final List<WatchResponse> received = new CopyOnWriteArrayList<>();
    private StreamObserver<WatchRequest> watch;

    @BeforeEach
    void start() throws Exception {
        etcd = new InProcessEtcd();
        kv = KVGrpc.newBlockingStub(etcd.channel);
        watch = WatchGrpc.newStub(etcd.channel).watch(new StreamObserver<>() {
            @Override public void onNext(WatchResponse r) { received.add(r); }
            @Override public void onError(Throwable t) { }
            @Override public void onCompleted() { }
        });
    }

    @AfterEach
    void stop() {
        etcd.close();
    }

    private void put(String k, String v) {
        kv.put(PutRequest.newBuilder().setKey(b(k)).setValue(b(v)).build());
    }

    private void create(WatchCreateRequest.Builder c) {
        watch.onNext(WatchRequest.newBuilder().setCreateRequest(c).build());
    }

    private List<dev.cachai.etcd.proto.mvccpb.Event> events(long watchId) {
        return received.stream().filter(r -> r.getWatchId() == watchId).flatMap(r -> r.getEventsList().stream()).toList();
    }

    private void awaitEvents(long watchId, int n) {
        await().atMost(Duration.ofSeconds(5)).until(() -> events(watchId).size() >= n);
    }

    @Test
    void replaysHistoryAndFollowsWithPrevKvAndFilters() {
        put("w/a", "1");
        put("w/a", "2");
        create(WatchCreateRequest.newBuilder().setKey(b("w/")).setRangeEnd(b("w0")).setStartRevision(2).setPrevKv(true).setWatchId(7));
        create(WatchCreateRequest.newBuilder().setKey(b("w/a")).addFilters(WatchCreateRequest.FilterType.NOPUT).setWatchId(8));
        awaitEvents(7, 2);
        kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(b("w/a")).build());
        awaitEvents(7, 3);
        awaitEvents(8, 1);
        var seven = events(7);
        assertThat(seven).extracting(e -> e.getKv().getModRevision()).containsExactly(2L, 3L, 4L);
        assertThat(seven.get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("1");
        assertThat(seven.get(2).getType()).isEqualTo(dev.cachai.etcd.proto.mvccpb.Event.EventType.DELETE);
        assertThat(events(8)).singleElement().satisfies(e ->
                assertThat(e.getType()).isEqualTo(dev.cachai.etcd.proto.mvccpb.Event.EventType.DELETE));
        assertThat(received.get(0).getCreated()).isTrue();
    }

    @Test
    void compactedStartIsCanceledWithCompactRevision() {
        put("c", "1");
        put("c", "2");
        kv.compact(CompactionRequest.newBuilder().setRevision(3).build());
        create(WatchCreateRequest.newBuilder().setKey(b("c")).setStartRevision(2).setWatchId(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch(WatchResponse::getCanceled));
        WatchResponse canceled = received.stream().filter(WatchResponse::getCanceled).findFirst().orElseThrow();
        assertThat(canceled.getCompactRevision()).isEqualTo(3);
    }

    @Test
    void progressRequestAnsweredWhenSynced() {
        create(WatchCreateRequest.newBuilder().setKey(b("x")));
        put("y", "1");
        watch.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> received.stream().anyMatch(r -> r.getWatchId() == -1));
        WatchResponse progress = received.stream().filter(r -> r.getWatchId() == -1).findFirst().orElseThrow();
        assertThat(progress.getHeader().getRevision()).isEqualTo(2);
    }

    @Test
    void leaseGrantKeepAliveTimeToLiveRevoke() {
        var lease = LeaseGrpc.newBlockingStub(etcd.channel);
        LeaseGrantResponse g = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(1).build());
        assertThat(g.getID()).isPositive();
        assertThat(g.getTTL()).isEqualTo(2);
        kv.put(PutRequest.newBuilder().setKey(b("l")).setValue(b("v")).setLease(g.getID()).build());
        LeaseTimeToLiveResponse ttl = lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(g.getID()).setKeys(true).build());
        assertThat(ttl.getGrantedTTL()).isEqualTo(2);
        assertThat(ttl.getKeysList()).extracting(k -> k.toStringUtf8()).containsExactly("l");
        List<LeaseKeepAliveResponse> kept = new CopyOnWriteArrayList<>();
        var ka = LeaseGrpc.newStub(etcd.channel).leaseKeepAlive(new StreamObserver<>() {
            @Override public void onNext(LeaseKeepAliveResponse r) { kept.add(r); }
            @Override public void onError(Throwable t) { }
            @Override public void onCompleted() { }
        });
        ka.onNext(LeaseKeepAliveRequest.newBuilder().setID(g.getID()).build());
        await().atMost(Duration.ofSeconds(5)).until(() -> !kept.isEmpty());
        assertThat(kept.get(0).getTTL()).isEqualTo(2);
        assertThat(lease.leaseLeases(LeaseLeasesRequest.getDefaultInstance()).getLeasesList()).hasSize(1);
        lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(g.getID()).build());
        assertThat(kv.range(RangeRequest.newBuilder().setKey(b("l")).build()).getCount()).isZero();
        assertThat(lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(g.getID()).build()).getTTL()).isEqualTo(-1);
        ka.onCompleted();
    }

    @Test
    void lockQueuesSecondHolderUntilFirstUnlocks() {
        var lease = LeaseGrpc.newBlockingStub(etcd.channel);
        long l1 = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(10).build()).getID();
        long l2 = lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(10).build()).getID();
        var lock = dev.cachai.etcd.proto.v3lockpb.LockGrpc.newBlockingStub(etcd.channel);
        var first = lock.lock(dev.cachai.etcd.proto.v3lockpb.LockRequest.newBuilder().setName(b("m")).setLease(l1).build());
        assertThat(first.getKey().toStringUtf8()).isEqualTo("m/" + Long.toHexString(l1));
        var second = dev.cachai.etcd.proto.v3lockpb.LockGrpc.newFutureStub(etcd.channel)
                .lock(dev.cachai.etcd.proto.v3lockpb.LockRequest.newBuilder().setName(b("m")).setLease(l2).build());
        assertThat(second.isDone()).isFalse();
        lock.unlock(dev.cachai.etcd.proto.v3lockpb.UnlockRequest.newBuilder().setKey(first.getKey()).build());
        await().atMost(Duration.ofSeconds(5)).until(second::isDone);
    }
}
