package dev.cachai.etcd.kv;

import com.google.protobuf.ByteString;
import dev.cachai.engine.Bytes;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.Compare;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.result.DeleteResult;
import dev.cachai.engine.result.PutResult;
import dev.cachai.engine.result.RangeResult;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.TxnResult;
import dev.cachai.etcd.proto.etcdserverpb.DeleteRangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.DeleteRangeResponse;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.PutResponse;
import dev.cachai.etcd.proto.etcdserverpb.RangeResponse;
import dev.cachai.etcd.proto.etcdserverpb.RequestOp;
import dev.cachai.etcd.proto.etcdserverpb.ResponseHeader;
import dev.cachai.etcd.proto.etcdserverpb.ResponseOp;
import dev.cachai.etcd.proto.etcdserverpb.TxnRequest;
import dev.cachai.etcd.proto.etcdserverpb.TxnResponse;
import dev.cachai.etcd.support.EtcdException;
import dev.cachai.etcd.support.Headers;

import java.util.ArrayList;
import java.util.List;

/** Translation between etcd's KV protos and the engine's commands and results. */
public final class KvProtos {
    private KvProtos() {}

    public static dev.cachai.etcd.proto.mvccpb.KeyValue kv(KeyValue kv) {
        return dev.cachai.etcd.proto.mvccpb.KeyValue.newBuilder()
                .setKey(ByteString.copyFrom(kv.key())).setValue(ByteString.copyFrom(kv.value()))
                .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision())
                .setVersion(kv.version()).setLease(kv.lease()).build();
    }

    public static RangeRequest range(dev.cachai.etcd.proto.etcdserverpb.RangeRequest r) {
        RangeRequest.SortOrder order = byNumber(RangeRequest.SortOrder.values(), r.getSortOrderValue(),
                RangeRequest.SortOrder.UNKNOWN);
        return new RangeRequest(r.getKey().toByteArray(), r.getRangeEnd().toByteArray(), r.getLimit(),
                r.getRevision(), order, sortTarget(r.getSortTargetValue(), order), r.getKeysOnly(), r.getCountOnly(),
                r.getMinModRevision(), r.getMaxModRevision(), r.getMinCreateRevision(), r.getMaxCreateRevision());
    }

    /**
     * A sort target etcd has no name for sorts nothing when the order is unknown too; with any
     * other order etcd's applier has no comparator for it and panics, so it is refused here.
     */
    private static RangeRequest.SortTarget sortTarget(int number, RangeRequest.SortOrder order) {
        RangeRequest.SortTarget[] targets = RangeRequest.SortTarget.values();
        if (number >= 0 && number < targets.length) {
            return targets[number];
        }
        if (order == RangeRequest.SortOrder.UNKNOWN) {
            return RangeRequest.SortTarget.KEY;
        }
        throw new EtcdException(EtcdError.INVALID_SORT_OPTION);
    }

    /** The engine's constant for a proto enum number; a number etcd has no name for maps to {@code unknown}. */
    private static <E extends Enum<E>> E byNumber(E[] values, int number, E unknown) {
        return number >= 0 && number < unknown.ordinal() ? values[number] : unknown;
    }

    public static Put put(PutRequest p) {
        return new Put(p.getKey().toByteArray(), p.getValue().toByteArray(), p.getLease(), p.getPrevKv(),
                p.getIgnoreValue(), p.getIgnoreLease());
    }

    public static DeleteRange delete(DeleteRangeRequest d) {
        return new DeleteRange(d.getKey().toByteArray(), d.getRangeEnd().toByteArray(), d.getPrevKv());
    }

    public static Txn txn(TxnRequest t) {
        List<Compare> compares = new ArrayList<>();
        for (dev.cachai.etcd.proto.etcdserverpb.Compare c : t.getCompareList()) {
            compares.add(compare(c));
        }
        return new Txn(compares, ops(t.getSuccessList()), ops(t.getFailureList()));
    }

    private static Compare compare(dev.cachai.etcd.proto.etcdserverpb.Compare c) {
        Compare.Result result = byNumber(Compare.Result.values(), c.getResultValue(), Compare.Result.UNKNOWN);
        Compare.Target target = byNumber(Compare.Target.values(), c.getTargetValue(), Compare.Target.UNKNOWN);
        byte[] value = c.getTargetUnionCase() == dev.cachai.etcd.proto.etcdserverpb.Compare.TargetUnionCase.VALUE
                ? c.getValue().toByteArray() : Bytes.EMPTY;
        return new Compare(result, target, c.getKey().toByteArray(), c.getRangeEnd().toByteArray(),
                c.getVersion(), c.getCreateRevision(), c.getModRevision(), value, c.getLease());
    }

    private static List<TxnOp> ops(List<RequestOp> ops) {
        List<TxnOp> out = new ArrayList<>(ops.size());
        for (RequestOp op : ops) {
            out.add(op(op));
        }
        return out;
    }

    private static TxnOp op(RequestOp op) {
        if (op.hasRequestPut()) {
            return new TxnOp.PutOp(put(op.getRequestPut()));
        } else if (op.hasRequestDeleteRange()) {
            return new TxnOp.DeleteOp(delete(op.getRequestDeleteRange()));
        } else if (op.hasRequestTxn()) {
            return new TxnOp.TxnOpNested(txn(op.getRequestTxn()));
        } else if (op.hasRequestRange()) {
            return new TxnOp.RangeOp(range(op.getRequestRange()));
        }
        return new TxnOp.EmptyOp();
    }

    public static RangeResponse rangeResponse(ResponseHeader header, RangeResult r) {
        RangeResponse.Builder b = RangeResponse.newBuilder().setHeader(header).setMore(r.more()).setCount(r.count());
        for (KeyValue kv : r.kvs()) {
            b.addKvs(kv(kv));
        }
        return b.build();
    }

    public static PutResponse putResponse(ResponseHeader header, PutResult r) {
        PutResponse.Builder b = PutResponse.newBuilder().setHeader(header);
        if (r.prevKv() != null) {
            b.setPrevKv(kv(r.prevKv()));
        }
        return b.build();
    }

    public static DeleteRangeResponse deleteResponse(ResponseHeader header, DeleteResult r) {
        DeleteRangeResponse.Builder b = DeleteRangeResponse.newBuilder().setHeader(header).setDeleted(r.deleted());
        for (KeyValue kv : r.prevKvs()) {
            b.addPrevKvs(kv(kv));
        }
        return b.build();
    }

    public static TxnResponse txnResponse(ResponseHeader header, TxnResult r) {
        TxnResponse.Builder b = TxnResponse.newBuilder().setHeader(header).setSucceeded(r.succeeded());
        for (Result inner : r.responses()) {
            b.addResponses(responseOp(inner));
        }
        return b.build();
    }

    private static ResponseOp responseOp(Result r) {
        ResponseHeader h = Headers.inner(r.revision());
        if (r instanceof RangeResult rr) {
            return ResponseOp.newBuilder().setResponseRange(rangeResponse(h, rr)).build();
        } else if (r instanceof PutResult pr) {
            return ResponseOp.newBuilder().setResponsePut(putResponse(h, pr)).build();
        } else if (r instanceof DeleteResult dr) {
            return ResponseOp.newBuilder().setResponseDeleteRange(deleteResponse(h, dr)).build();
        } else if (r instanceof TxnResult tr) {
            // etcd fills in the revision of the outermost txn's header only: a nested one's stays empty.
            return ResponseOp.newBuilder().setResponseTxn(txnResponse(ResponseHeader.getDefaultInstance(), tr)).build();
        }
        throw new IllegalStateException("unexpected txn op result " + r);
    }
}
