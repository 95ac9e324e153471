package dev.cachai.etcd;

import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrantRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseRevokeRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseTimeToLiveRequest;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.v3electionpb.CampaignRequest;
import dev.cachai.etcd.proto.v3electionpb.CampaignResponse;
import dev.cachai.etcd.proto.v3electionpb.ElectionGrpc;
import dev.cachai.etcd.proto.v3electionpb.ProclaimRequest;
import dev.cachai.etcd.proto.v3electionpb.ResignRequest;
import dev.cachai.etcd.proto.v3lockpb.LockGrpc;
import dev.cachai.etcd.proto.v3lockpb.LockRequest;
import dev.cachai.etcd.proto.v3lockpb.LockResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

import static dev.cachai.etcd.KvServiceTest.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The lock and election services where they follow etcd 3.5's concurrency recipes closely. */
class LockElectionTest {
    private InProcessEtcd etcd;
    private KVGrpc.KVBlockingStub kv;
    private LeaseGrpc.LeaseBlockingStub lease;
    private ElectionGrpc.ElectionBlockingStub election;

    @BeforeEach
    void start() throws Exception {
        etcd = new InProcessEtcd();
        kv = KVGrpc.newBlockingStub(etcd.channel);
        lease = LeaseGrpc.newBlockingStub(etcd.channel);
        election = ElectionGrpc.newBlockingStub(etcd.channel);
    }

    @AfterEach
    void stop() {
        etcd.close();
    }

    private long grant() {
        return lease.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(60).build()).getID();
    }

    @Test
    void campaignAgainWithAnotherValueProclaimsItAndAnswersWithTheQueueingHeader() {
        long id = grant();
        CampaignResponse first = election.campaign(CampaignRequest.newBuilder().setName(b("e")).setLease(id)
                .setValue(b("one")).build());
        CampaignResponse again = election.campaign(CampaignRequest.newBuilder().setName(b("e")).setLease(id)
                .setValue(b("two")).build());
        assertThat(again.getLeader().getRev()).isEqualTo(first.getLeader().getRev());
        // The header is the queueing txn's, which found the key: the proclaim came after it.
        assertThat(again.getHeader().getRevision()).isEqualTo(first.getHeader().getRevision());
        var kvs = kv.range(RangeRequest.newBuilder().setKey(again.getLeader().getKey()).build()).getKvs(0);
        assertThat(kvs.getValue().toStringUtf8()).isEqualTo("two");
        assertThat(kvs.getModRevision()).isEqualTo(first.getHeader().getRevision() + 1);
    }

    @Test
    void campaignWhoseProclaimFailsResignsAndFailsAsEtcdsClientDoes() {
        long id = grant();
        String key = "e/" + Long.toHexString(id);
        kv.put(PutRequest.newBuilder().setKey(b(key)).setValue(b("planted")).build());
        lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build());
        assertThatThrownBy(() -> election.campaign(CampaignRequest.newBuilder().setName(b("e")).setLease(id)
                .setValue(b("mine")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
                    assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: requested lease not found");
                });
        assertThat(kv.range(RangeRequest.newBuilder().setKey(b(key)).build()).getCount()).isZero();
    }

    @Test
    void proclaimAndResignWithoutALeaderAreRefused() {
        assertThatThrownBy(() -> election.proclaim(ProclaimRequest.newBuilder().setValue(b("v")).build()))
                .hasMessage("UNKNOWN: \"leader\" field must be provided");
        assertThatThrownBy(() -> election.resign(ResignRequest.getDefaultInstance()))
                .hasMessage("UNKNOWN: \"leader\" field must be provided");
    }

    @Test
    void lockWithoutALeaseGetsASessionLeaseOfSixtySeconds() {
        LockResponse locked = LockGrpc.newBlockingStub(etcd.channel).lock(LockRequest.newBuilder().setName(b("m")).build());
        var key = kv.range(RangeRequest.newBuilder().setKey(locked.getKey()).build()).getKvs(0);
        assertThat(key.getLease()).isNotZero();
        assertThat(locked.getKey().toStringUtf8()).isEqualTo("m/" + Long.toHexString(key.getLease()));
        assertThat(lease.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(key.getLease()).build())
                .getGrantedTTL()).isEqualTo(60);
    }

    @Test
    void aWaitingLockWhoseKeyWentIsToldItsSessionExpired() throws Exception {
        long holder = grant();
        long waiter = grant();
        var lock = LockGrpc.newBlockingStub(etcd.channel);
        LockResponse held = lock.lock(LockRequest.newBuilder().setName(b("m")).setLease(holder).build());
        var waiting = LockGrpc.newFutureStub(etcd.channel).lock(LockRequest.newBuilder().setName(b("m")).setLease(waiter).build());
        String waiterKey = "m/" + Long.toHexString(waiter);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> kv.range(RangeRequest.newBuilder().setKey(b(waiterKey)).build()).getCount() == 1);
        lease.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(waiter).build());
        assertThat(waiting.isDone()).isFalse();
        lock.unlock(dev.cachai.etcd.proto.v3lockpb.UnlockRequest.newBuilder().setKey(held.getKey()).build());
        await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThatThrownBy(waiting::get).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("UNKNOWN: mutex: session is expired");
    }
}
