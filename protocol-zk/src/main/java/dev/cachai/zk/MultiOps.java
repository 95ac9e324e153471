package dev.cachai.zk;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.result.ZkOpResult;
import dev.cachai.engine.result.ZkTxnResult;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.OutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.CheckVersionRequest;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.CreateTTLRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ErrorResponse;
import org.apache.zookeeper.proto.GetChildrenRequest;
import org.apache.zookeeper.proto.GetChildrenResponse;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.SetDataRequest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * multi (atomic, one zxid) and multiRead (each op alone). On the wire each op is a MultiHeader
 * then its record; the list ends with a header {-1, done, -1}. A failed multi answers header
 * err 0 and per-op errors (earlier ops 0, the failing op its code, later ops -2).
 */
final class MultiOps {
    private static final int END_TYPE = -1;

    /** One op of a reply list: its type (-1 for an error), error code, and body. */
    record Item(int type, int err, Record body) {}

    /** The reply body of a multi or multiRead. */
    record MultiReply(List<Item> items) implements Record {
        @Override
        public void serialize(OutputArchive out, String tag) throws IOException {
            for (Item i : items) {
                new MultiHeader(i.type(), false, i.err()).serialize(out, tag);
                if (i.body() != null) {
                    i.body().serialize(out, tag);
                }
            }
            new MultiHeader(END_TYPE, true, END_TYPE).serialize(out, tag);
        }

        @Override
        public void deserialize(org.apache.jute.InputArchive in, String tag) {
            throw new UnsupportedOperationException("replies are only written");
        }
    }

    private final CommandGateway gateway;
    private final WriteOps writes;
    private final ReadOps reads;

    MultiOps(CommandGateway gateway, WriteOps writes, ReadOps reads) {
        this.gateway = gateway;
        this.writes = writes;
        this.reads = reads;
    }

    CompletableFuture<Reply> multi(ZkConnection c, BinaryInputArchive in) throws IOException {
        List<Integer> types = new ArrayList<>();
        List<Object> ops = new ArrayList<>();
        for (MultiHeader h = read(in); !h.getDone(); h = read(in)) {
            types.add(h.getType());
            ops.add(readWriteOp(h.getType(), in));
        }
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof WriteOps.Refusal r) {
                long zxid = gateway.engine().revision();
                return CompletableFuture.completedFuture(Reply.ok(zxid, failed(ops.size(), i, r.err())));
            }
        }
        List<ZkOp> zkOps = new ArrayList<>();
        ops.forEach(o -> zkOps.add((ZkOp) o));
        List<ZkOp> parents = SystemNodes.missingParents(gateway.engine(), zkOps);
        ZkTxn txn = writes.txn(c, SystemNodes.concat(parents, zkOps), true);
        return gateway.propose(txn).thenApply(result ->
                multiReply(types, SystemNodes.withoutParents((ZkTxnResult) result, parents.size())));
    }

    private static MultiHeader read(BinaryInputArchive in) throws IOException {
        MultiHeader h = new MultiHeader();
        h.deserialize(in, "h");
        return h;
    }

    private Object readWriteOp(int type, BinaryInputArchive in) throws IOException {
        switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> {
                CreateRequest r = new CreateRequest();
                r.deserialize(in, "op");
                return writes.createOp(type, r.getPath(), r.getData(), r.getAcl(), r.getFlags(), -1);
            }
            case OpCode.CREATE_TTL -> {
                CreateTTLRequest r = new CreateTTLRequest();
                r.deserialize(in, "op");
                return writes.createOp(type, r.getPath(), r.getData(), r.getAcl(), r.getFlags(), r.getTtl());
            }
            case OpCode.DELETE -> {
                DeleteRequest r = new DeleteRequest();
                r.deserialize(in, "op");
                Integer refusal = WriteOps.deleteRefusal(r.getPath());
                return refusal != null ? new WriteOps.Refusal(refusal) : new ZkOp.Delete(r.getPath(), r.getVersion());
            }
            case OpCode.SET_DATA -> {
                SetDataRequest r = new SetDataRequest();
                r.deserialize(in, "op");
                Integer refusal = WriteOps.systemWriteRefusal(r.getPath());
                return refusal != null ? new WriteOps.Refusal(refusal)
                        : new ZkOp.SetData(r.getPath(), r.getData(), r.getVersion());
            }
            case OpCode.CHECK -> {
                CheckVersionRequest r = new CheckVersionRequest();
                r.deserialize(in, "op");
                return new ZkOp.Check(r.getPath(), r.getVersion());
            }
            default -> throw new IOException("invalid op type in multi: " + type);
        }
    }

    private static MultiReply failed(int size, int failedAt, int err) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int code = i < failedAt ? ZkCode.OK : i == failedAt ? err : ZkCode.RUNTIMEINCONSISTENCY;
            items.add(new Item(END_TYPE, code, new ErrorResponse(code)));
        }
        return new MultiReply(items);
    }

    private static Reply multiReply(List<Integer> types, ZkTxnResult r) {
        if (r.err() == ZkCode.SESSIONMOVED) {
            return Reply.sessionMoved(r.revision());
        }
        if (r.err() != ZkCode.OK) {
            List<Item> items = new ArrayList<>();
            for (ZkOpResult op : r.results()) {
                items.add(new Item(END_TYPE, op.err(), new ErrorResponse(op.err())));
            }
            return Reply.ok(r.revision(), new MultiReply(items));
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            int type = types.get(i);
            int replyType = type == OpCode.CREATE_CONTAINER || type == OpCode.CREATE_TTL ? OpCode.CREATE2 : type;
            items.add(new Item(replyType, 0, WriteOps.body(replyType, r.results().get(i))));
        }
        return Reply.ok(r.revision(), new MultiReply(items));
    }

    /** multiRead: getData and getChildren only, each answered on its own. */
    Reply multiRead(ZkConnection c, BinaryInputArchive in) throws IOException {
        List<Item> items = new ArrayList<>();
        long zxid = gateway.engine().revision();
        for (MultiHeader h = read(in); !h.getDone(); h = read(in)) {
            Reply one;
            int type = h.getType();
            if (type == OpCode.GET_DATA) {
                GetDataRequest r = new GetDataRequest();
                r.deserialize(in, "op");
                one = reads.getData(c, r.getPath(), r.getWatch());
            } else if (type == OpCode.GET_CHILDREN) {
                GetChildrenRequest r = new GetChildrenRequest();
                r.deserialize(in, "op");
                one = reads.getChildren(c, r.getPath(), r.getWatch(), false);
            } else {
                throw new IOException("invalid op type in multiRead: " + type);
            }
            zxid = Math.max(zxid, one.zxid());
            items.add(one.err() == ZkCode.OK ? new Item(type, 0, one.body())
                    : new Item(END_TYPE, one.err(), new ErrorResponse(one.err())));
        }
        return Reply.ok(zxid, new MultiReply(items));
    }

    static boolean isReadBody(Record r) {
        return r instanceof GetDataResponse || r instanceof GetChildrenResponse;
    }
}
