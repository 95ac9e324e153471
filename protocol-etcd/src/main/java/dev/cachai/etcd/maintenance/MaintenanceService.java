package dev.cachai.etcd.maintenance;

import com.google.protobuf.ByteString;
import dev.cachai.engine.EngineException;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Event;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.result.RangeResult;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.proto.etcdserverpb.AlarmMember;
import dev.cachai.etcd.proto.etcdserverpb.AlarmRequest;
import dev.cachai.etcd.proto.etcdserverpb.AlarmResponse;
import dev.cachai.etcd.proto.etcdserverpb.AlarmType;
import dev.cachai.etcd.proto.etcdserverpb.DefragmentRequest;
import dev.cachai.etcd.proto.etcdserverpb.DefragmentResponse;
import dev.cachai.etcd.proto.etcdserverpb.DowngradeRequest;
import dev.cachai.etcd.proto.etcdserverpb.DowngradeResponse;
import dev.cachai.etcd.proto.etcdserverpb.HashKVRequest;
import dev.cachai.etcd.proto.etcdserverpb.HashKVResponse;
import dev.cachai.etcd.proto.etcdserverpb.HashRequest;
import dev.cachai.etcd.proto.etcdserverpb.HashResponse;
import dev.cachai.etcd.proto.etcdserverpb.MaintenanceGrpc;
import dev.cachai.etcd.proto.etcdserverpb.MoveLeaderRequest;
import dev.cachai.etcd.proto.etcdserverpb.MoveLeaderResponse;
import dev.cachai.etcd.proto.etcdserverpb.SnapshotRequest;
import dev.cachai.etcd.proto.etcdserverpb.SnapshotResponse;
import dev.cachai.etcd.proto.etcdserverpb.StatusRequest;
import dev.cachai.etcd.proto.etcdserverpb.StatusResponse;
import dev.cachai.etcd.support.Calls;
import dev.cachai.etcd.support.EtcdException;
import dev.cachai.etcd.support.Headers;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/** etcd's Maintenance service for one member. */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** Bytes per Snapshot message, as etcd's snapshot stream sends them. */
    static final int SNAPSHOT_CHUNK_BYTES = 32 * 1024;

    private final EtcdContext ctx;

    public MaintenanceService(EtcdContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        Calls.now(out, () -> {
            long rev = ctx.engine().revision();
            var b = StatusResponse.newBuilder().setHeader(ctx.headers().at(rev)).setVersion(ctx.config().version())
                    .setDbSize(ctx.alarms().dbBytes()).setDbSizeInUse(ctx.alarms().dbBytes())
                    .setLeader(ctx.gateway().cluster().map(dev.cachai.engine.ClusterInfo::leaderId)
                            .orElse(ctx.config().memberId())).setRaftIndex(rev).setRaftAppliedIndex(rev)
                    .setRaftTerm(Headers.RAFT_TERM).setDbSizeQuota(ctx.config().quotaBackendBytes());
            for (Map.Entry<Long, Alarms.Type> a : ctx.alarms().active().entrySet()) {
                b.addErrors("memberID:" + a.getKey() + " alarm:" + a.getValue() + " ");
            }
            return b.build();
        });
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> out) {
        Calls.now(out, () -> {
            if (request.getAction() != AlarmRequest.AlarmAction.GET) {
                ctx.auth().checkAdmin();
            }
            var b = AlarmResponse.newBuilder().setHeader(ctx.headers().now());
            if (request.getAlarmValue() < 0 || request.getAlarmValue() >= Alarms.Type.values().length) {
                // etcd has no alarm of a type it has no name for (activating one panics its applier):
                // nothing matches and nothing changes.
                return b.build();
            }
            Alarms.Type type = Alarms.Type.values()[request.getAlarmValue()];
            switch (request.getAction()) {
                case ACTIVATE -> {
                    ctx.alarms().activate(request.getMemberID(), type);
                    b.addAlarms(member(request.getMemberID(), type));
                }
                case DEACTIVATE -> {
                    if (ctx.alarms().deactivate(request.getMemberID(), type)) {
                        b.addAlarms(member(request.getMemberID(), type));
                    }
                }
                default -> ctx.alarms().active().forEach((m, t) -> {
                    if (request.getAlarm() == AlarmType.NONE || t == type) {
                        b.addAlarms(member(m, t));
                    }
                });
            }
            return b.build();
        });
    }

    private static AlarmMember member(long memberId, Alarms.Type type) {
        return AlarmMember.newBuilder().setMemberID(memberId).setAlarmValue(type.ordinal()).build();
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> out) {
        // The store lives in memory: there is nothing to defragment.
        Calls.now(out, () -> DefragmentResponse.newBuilder().setHeader(ctx.headers().now()).build());
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> out) {
        Calls.now(out, () -> {
            long rev = ctx.engine().revision();
            return HashResponse.newBuilder().setHeader(ctx.headers().at(rev)).setHash(hashAt(rev)).build();
        });
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> out) {
        Calls.now(out, () -> {
            long rev = request.getRevision() > 0 ? request.getRevision() : ctx.engine().revision();
            int hash = hashAt(rev);
            return HashKVResponse.newBuilder().setHeader(ctx.headers().now()).setHash(hash)
                    .setCompactRevision(ctx.engine().compactRevision()).setHashRevision(rev).build();
        });
    }

    /** CRC-32C over every live key version at {@code rev}: equal stores give equal hashes. */
    private int hashAt(long rev) {
        CRC32C crc = new CRC32C();
        ByteBuffer longs = ByteBuffer.allocate(Long.BYTES * 4);
        for (KeyValue kv : allAt(rev).kvs()) {
            crc.update(kv.key());
            crc.update(kv.value());
            longs.clear();
            longs.putLong(kv.createRevision()).putLong(kv.modRevision()).putLong(kv.version()).putLong(kv.lease());
            crc.update(longs.array());
        }
        return (int) crc.getValue();
    }

    private RangeResult allAt(long rev) {
        try {
            return ctx.engine().range(RangeRequest.range(new byte[] {0}, new byte[] {0}).atRevision(rev));
        } catch (EngineException e) {
            throw new EtcdException(e.error());
        }
    }

    /**
     * Every key at the current revision and the leases, as a bbolt file in etcd's layout followed
     * by its SHA-256, as etcd sends its backend ({@link SnapshotDb}).
     */
    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
        SnapshotChunks chunks;
        long rev;
        try {
            ctx.auth().checkAdmin();
            rev = ctx.engine().revision();
            List<KeyValue> kvs = allAt(rev).kvs();
            chunks = new SnapshotChunks(SnapshotDb.of(rev, kvs, leases(), deletedAt(rev, kvs),
                    ctx.engine().auth()), SNAPSHOT_CHUNK_BYTES);
        } catch (RuntimeException e) {
            out.onError(dev.cachai.etcd.support.Errors.from(e));
            return;
        }
        // Sent as fast as the client takes it: the snapshot is held once, not again in the
        // transport's buffers. (gRPC hands every server call such an observer, the gateway's too.)
        var call = (ServerCallStreamObserver<SnapshotResponse>) out;
        call.setOnCancelHandler(chunks::drop);
        call.setOnReadyHandler(() -> sendWhileReady(call, chunks, rev));
    }

    /** On the call's serialized callbacks; completes the call once the last chunk went out. */
    private void sendWhileReady(ServerCallStreamObserver<SnapshotResponse> call, SnapshotChunks chunks, long rev) {
        if (!chunks.hasNext()) {
            return; // completed (or cancelled) already
        }
        while (call.isReady() && chunks.hasNext()) {
            call.onNext(chunk(chunks, rev));
        }
        if (!chunks.hasNext()) {
            call.onCompleted();
        }
    }

    private SnapshotResponse chunk(SnapshotChunks chunks, long rev) {
        ByteString blob = chunks.next();
        return SnapshotResponse.newBuilder().setHeader(ctx.headers().at(rev)).setRemainingBytes(chunks.remainingBytes())
                .setBlob(blob).setVersion(ctx.config().clusterVersion()).build();
    }

    /**
     * A key revision {@code rev} deleted, when no key of {@code kvs} was written at it (its writes
     * were deletes); null otherwise, or when its history is gone.
     */
    private byte[] deletedAt(long rev, List<KeyValue> kvs) {
        for (KeyValue kv : kvs) {
            if (kv.modRevision() == rev) {
                return null;
            }
        }
        try {
            for (Change change : ctx.engine().changesSince(rev, 1)) { // revision rev's alone
                for (Event e : change.events()) {
                    if (e.type() == Event.Type.DELETE) {
                        return e.kv().key();
                    }
                }
            }
        } catch (EngineException compacted) {
            // the snapshot is still whole: only etcdctl's status shows an older revision
        }
        return null;
    }

    private List<Lease> leases() {
        List<Lease> out = new ArrayList<>();
        for (long id : ctx.engine().leaseIds()) {
            Lease lease = ctx.engine().lease(id);
            if (lease != null) { // revoked since the ids were listed
                out.add(lease);
            }
        }
        return out;
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> out) {
        java.util.concurrent.CompletableFuture<Void> moved;
        try {
            var cluster = ctx.gateway().cluster();
            if (cluster.isPresent() && !cluster.get().isLeader()) {
                // etcd asks this before anything else, authentication included.
                throw new EtcdException(EtcdError.NOT_LEADER);
            }
            ctx.auth().checkAdmin();
            if (cluster.isPresent()) {
                moved = cluster.get().moveLeader(request.getTargetID());
            } else if (request.getTargetID() != ctx.config().memberId()) {
                // A single member is already the leader; any other target is not a member.
                throw new EtcdException(EtcdError.BAD_LEADER_TRANSFEREE);
            } else {
                moved = java.util.concurrent.CompletableFuture.completedFuture(null);
            }
        } catch (RuntimeException e) {
            out.onError(dev.cachai.etcd.support.Errors.from(e));
            return;
        }
        Calls.reply(out, moved, done -> MoveLeaderResponse.newBuilder().setHeader(ctx.headers().now()).build());
    }

    @Override
    public void downgrade(DowngradeRequest request, StreamObserver<DowngradeResponse> out) {
        out.onError(Status.FAILED_PRECONDITION
                .withDescription(request.getAction() == DowngradeRequest.DowngradeAction.CANCEL
                        ? "etcdserver: no inflight downgrade job"
                        : "etcdserver: invalid downgrade target version")
                .asRuntimeException());
    }
}
