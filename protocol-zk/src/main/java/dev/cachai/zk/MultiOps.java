package dev.cachai.zk;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.result.ZkOpResult;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.NodeKind;
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
    /** A version no node has (-1 matches any): the stand-in check for a refused op always fails. */
    private static final int UNPASSABLE_VERSION = Integer.MIN_VALUE;

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
        Decoded decoded = decode(in);
        if (decoded.anyNullPath()) {
            // ZooKeeper looks at every op's parent before running any: a null path throws out
            // of the whole request.
            return CompletableFuture.completedFuture(Reply.error(gateway.engine().revision(), ZkCode.MARSHALLINGERROR));
        }
        List<Integer> types = decoded.types();
        List<Object> ops = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            ops.add(writeOp(types.get(i), decoded.records().get(i)));
        }
        int refusedAt = firstRefusal(ops);
        if (refusedAt == 0) {
            long zxid = gateway.engine().revision();
            int err = ((WriteOps.Refusal) ops.get(0)).err();
            return CompletableFuture.completedFuture(Reply.ok(zxid, failed(ops.size(), 0, err)));
        }
        List<ZkOp> zkOps = new ArrayList<>();
        int runnable = refusedAt < 0 ? ops.size() : refusedAt;
        for (int i = 0; i < runnable; i++) {
            zkOps.add((ZkOp) ops.get(i));
        }
        if (refusedAt > 0) {
            // The ops before a refused one run first, as ZooKeeper runs them in order: one of
            // them may fail before the refusal is reached. A check no node can pass stands in
            // for the refused op, so the multi fails there at the latest.
            zkOps.add(new ZkOp.Check("/", UNPASSABLE_VERSION));
        }
        List<ZkOp> parents = SystemNodes.missingParents(gateway.engine(), zkOps);
        ZkTxn txn = writes.txn(c, SystemNodes.concat(parents, zkOps), true);
        return gateway.propose(txn).thenApply(result -> {
            ZkTxnResult own = SystemNodes.withoutParents((ZkTxnResult) result, parents.size());
            if (refusedAt < 0) {
                return multiReply(types, own);
            }
            int failedAt = firstFailure(own);
            int err = failedAt < refusedAt ? own.results().get(failedAt).err()
                    : ((WriteOps.Refusal) ops.get(refusedAt)).err();
            return Reply.ok(own.revision(), failed(ops.size(), failedAt, err)); // the stand-in fails at the latest
        });
    }

    private static int firstRefusal(List<Object> ops) {
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof WriteOps.Refusal) {
                return i;
            }
        }
        return -1;
    }

    private static int firstFailure(ZkTxnResult r) {
        for (int i = 0; i < r.results().size(); i++) {
            if (r.results().get(i).err() != ZkCode.OK) {
                return i;
            }
        }
        return r.results().size();
    }

    private static MultiHeader read(BinaryInputArchive in) throws IOException {
        MultiHeader h = new MultiHeader();
        h.deserialize(in, "h");
        return h;
    }

    /** A multi's or multiRead's ops, every one read before any runs, as ZooKeeper reads them. */
    private record Decoded(List<Integer> types, List<Record> records) {
        boolean anyNullPath() {
            return records.stream().anyMatch(r -> pathOf(r) == null);
        }
    }

    /**
     * Reads the op list as ZooKeeper's MultiOperationRecord does: an op type it does not know, a
     * create mode it does not know, or reads mixed with writes make the request unreadable.
     */
    private static Decoded decode(BinaryInputArchive in) throws IOException {
        List<Integer> types = new ArrayList<>();
        List<Record> records = new ArrayList<>();
        boolean reads = false;
        boolean writes = false;
        for (MultiHeader h = read(in); !h.getDone(); h = read(in)) {
            int type = h.getType();
            Record r = switch (type) {
                case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> new CreateRequest();
                case OpCode.CREATE_TTL -> new CreateTTLRequest();
                case OpCode.DELETE -> new DeleteRequest();
                case OpCode.SET_DATA -> new SetDataRequest();
                case OpCode.CHECK -> new CheckVersionRequest();
                case OpCode.GET_CHILDREN -> new GetChildrenRequest();
                case OpCode.GET_DATA -> new GetDataRequest();
                default -> throw new IOException("invalid op type in a multi: " + type);
            };
            r.deserialize(in, "op");
            if (r instanceof CreateRequest c && (NodeKind.fromFlag(c.getFlags()) == null || c.getAcl() == null)) {
                throw new IOException("invalid create flag or no ACL list in a multi: " + c.getFlags());
            }
            boolean read = type == OpCode.GET_CHILDREN || type == OpCode.GET_DATA;
            reads |= read;
            writes |= !read;
            if (reads && writes) {
                throw new IOException("reads mixed with writes in a multi");
            }
            types.add(type);
            records.add(r);
        }
        return new Decoded(types, records);
    }

    private static String pathOf(Record r) {
        if (r instanceof CreateRequest c) {
            return c.getPath();
        } else if (r instanceof CreateTTLRequest c) {
            return c.getPath();
        } else if (r instanceof DeleteRequest d) {
            return d.getPath();
        } else if (r instanceof SetDataRequest d) {
            return d.getPath();
        } else if (r instanceof CheckVersionRequest v) {
            return v.getPath();
        } else if (r instanceof GetChildrenRequest g) {
            return g.getPath();
        }
        return ((GetDataRequest) r).getPath();
    }

    private Object writeOp(int type, Record record) throws IOException {
        if (record instanceof CreateTTLRequest r) {
            return writes.createOp(type, r.getPath(), r.getData(), r.getAcl(), r.getFlags(), r.getTtl());
        } else if (record instanceof CreateRequest r) {
            return writes.createOp(type, r.getPath(), r.getData(), r.getAcl(), r.getFlags(), -1);
        } else if (record instanceof DeleteRequest r) {
            Integer refusal = WriteOps.deleteRefusal(r.getPath());
            return refusal != null ? new WriteOps.Refusal(refusal) : new ZkOp.Delete(r.getPath(), r.getVersion());
        } else if (record instanceof SetDataRequest r) {
            Integer refusal = WriteOps.pathRefusal(r.getPath());
            return refusal != null ? new WriteOps.Refusal(refusal) : new ZkOp.SetData(r.getPath(), r.getData(), r.getVersion());
        } else if (record instanceof CheckVersionRequest r) {
            return new ZkOp.Check(r.getPath(), r.getVersion());
        }
        throw new IOException("a read in a multi of writes: " + type); // ZooKeeper cannot run it either
    }

    private static MultiReply failed(int size, int failedAt, int err) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int code = i < failedAt ? ZkCode.OK : i == failedAt ? err : ZkCode.RUNTIMEINCONSISTENCY;
            items.add(new Item(END_TYPE, code, new ErrorResponse(code)));
        }
        return new MultiReply(items);
    }

    private Reply multiReply(List<Integer> types, ZkTxnResult r) {
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
            items.add(new Item(replyType, 0, writes.body(replyType, r.results().get(i))));
        }
        return Reply.ok(r.revision(), new MultiReply(items));
    }

    /**
     * multiRead: getData and getChildren only, each answered on its own. An op ZooKeeper cannot
     * run there (a write, a null path) fails the request, which carries the answers before it.
     */
    Reply multiRead(ZkConnection c, BinaryInputArchive in) throws IOException {
        Decoded decoded = decode(in);
        List<Item> items = new ArrayList<>();
        long zxid = gateway.engine().revision();
        for (int i = 0; i < decoded.types().size(); i++) {
            int type = decoded.types().get(i);
            Record record = decoded.records().get(i);
            if (!(type == OpCode.GET_DATA || type == OpCode.GET_CHILDREN) || pathOf(record) == null) {
                return new Reply(zxid, ZkCode.MARSHALLINGERROR, new MultiReply(items), List.of(), false);
            }
            // ZooKeeper's multiRead drops the ops' watch flags: it sets no watch.
            Reply one = type == OpCode.GET_DATA
                    ? reads.getData(c, pathOf(record), false)
                    : reads.getChildren(c, pathOf(record), false, false);
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
