package dev.cachai.engine.command;

import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.ZkId;
import dev.cachai.engine.zk.ZkIdentity;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The log encoding of commands: a version byte, then a tag per command type and its fields.
 * Tags are fixed forever; a new command gets a new tag.
 */
public final class CommandCodec {
    private static final int FORMAT_VERSION = 1;
    /** Upper bound on one encoded list's length, so a corrupt length cannot allocate unbounded memory. */
    private static final int LIST_ITEMS_MAX = 1 << 20;
    private static final int BYTES_LENGTH_MAX = 64 << 20;
    private static final int ZK_MULTI = 1;
    private static final int ZK_ENFORCE_QUOTA = 2;
    private static final int ZK_ORIGIN = 4;

    private static final int ENCODED_BYTES_INITIAL = 512;

    private CommandCodec() {}

    public static byte[] encode(long timeMs, Command c) {
        // Sized for a typical write (a key and a value of a few hundred bytes) so it rarely grows.
        GrowableBytes bytes = new GrowableBytes(ENCODED_BYTES_INITIAL);
        try {
            encodeTo(bytes, timeMs, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes the record to {@code sink}, after whatever the caller wrote there before it. */
    public static void encodeTo(OutputStream sink, long timeMs, Command c) throws IOException {
        DataOutputStream out = new DataOutputStream(sink);
        out.writeByte(FORMAT_VERSION);
        out.writeLong(timeMs);
        writeCommand(out, c);
        out.flush();
    }

    /** A decoded log record: the proposal time and the command. */
    public record Stamped(long timeMs, Command command) {}

    public static Stamped decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    /** Decodes the record in {@code data[offset, offset + length)} without copying it out. */
    public static Stamped decode(byte[] data, int offset, int length) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, offset, length))) {
            int version = in.readUnsignedByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown command format " + version);
            }
            long timeMs = in.readLong();
            return new Stamped(timeMs, readCommand(in));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed command record", e);
        }
    }

    private static void writeCommand(DataOutputStream out, Command c) throws IOException {
        if (c instanceof Put p) {
            out.writeByte(1);
            writePut(out, p);
        } else if (c instanceof DeleteRange d) {
            out.writeByte(2);
            writeDelete(out, d);
        } else if (c instanceof Txn t) {
            out.writeByte(3);
            writeTxn(out, t);
        } else if (c instanceof Compact cp) {
            out.writeByte(4);
            out.writeLong(cp.revision());
        } else if (c instanceof LeaseCommand lc) {
            writeLease(out, lc);
        } else if (c instanceof ZkTxn z) {
            out.writeByte(20);
            writeZkTxn(out, z);
        } else if (c instanceof ZkReap r) {
            out.writeByte(21);
            out.writeUTF(r.path());
        } else if (c instanceof AuthCommand a) {
            AuthCodec.write(out, a);
        } else {
            throw new IllegalArgumentException("no encoding for " + c.getClass());
        }
    }

    private static Command readCommand(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case 1 -> readPut(in);
            case 2 -> readDelete(in);
            case 3 -> readTxn(in);
            case 4 -> new Compact(in.readLong());
            case 10 -> new LeaseCommand.Grant(in.readLong(), in.readLong());
            case 11 -> new LeaseCommand.Revoke(in.readLong());
            case 12 -> new LeaseCommand.SessionCreate(in.readLong(), in.readInt(), readBytes(in), in.readBoolean());
            case 13 -> new LeaseCommand.SessionClose(in.readLong(), in.readBoolean());
            case 14 -> new LeaseCommand.SessionOwner(in.readLong(), in.readInt());
            case 20 -> readZkTxn(in);
            case 21 -> new ZkReap(in.readUTF());
            default -> {
                if (tag >= AuthCodec.FIRST_TAG) {
                    yield AuthCodec.read(in, tag);
                }
                throw new IllegalArgumentException("unknown command tag " + tag);
            }
        };
    }

    private static void writeLease(DataOutputStream out, LeaseCommand c) throws IOException {
        if (c instanceof LeaseCommand.Grant g) {
            out.writeByte(10);
            out.writeLong(g.id());
            out.writeLong(g.ttlSeconds());
        } else if (c instanceof LeaseCommand.Revoke r) {
            out.writeByte(11);
            out.writeLong(r.id());
        } else if (c instanceof LeaseCommand.SessionCreate s) {
            out.writeByte(12);
            out.writeLong(s.sessionId());
            out.writeInt(s.timeoutMs());
            writeBytes(out, s.password());
            out.writeBoolean(s.readOnly());
        } else if (c instanceof LeaseCommand.SessionOwner o) {
            out.writeByte(14);
            out.writeLong(o.sessionId());
            out.writeInt(o.owner());
        } else {
            LeaseCommand.SessionClose s = (LeaseCommand.SessionClose) c;
            out.writeByte(13);
            out.writeLong(s.sessionId());
            out.writeBoolean(s.expired());
        }
    }

    private static void writePut(DataOutputStream out, Put p) throws IOException {
        writeBytes(out, p.key());
        writeBytes(out, p.value());
        out.writeLong(p.lease());
        out.writeByte((p.prevKv() ? 1 : 0) | (p.ignoreValue() ? 2 : 0) | (p.ignoreLease() ? 4 : 0));
    }

    private static Put readPut(DataInputStream in) throws IOException {
        byte[] key = readBytes(in);
        byte[] value = readBytes(in);
        long lease = in.readLong();
        int flags = in.readUnsignedByte();
        return new Put(key, value, lease, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0);
    }

    private static void writeDelete(DataOutputStream out, DeleteRange d) throws IOException {
        writeBytes(out, d.key());
        writeBytes(out, d.rangeEnd());
        out.writeBoolean(d.prevKv());
    }

    private static DeleteRange readDelete(DataInputStream in) throws IOException {
        return new DeleteRange(readBytes(in), readBytes(in), in.readBoolean());
    }

    private static void writeTxn(DataOutputStream out, Txn t) throws IOException {
        out.writeInt(t.compares().size());
        for (Compare c : t.compares()) {
            writeCompare(out, c);
        }
        writeOps(out, t.success());
        writeOps(out, t.failure());
    }

    private static Txn readTxn(DataInputStream in) throws IOException {
        int n = readCount(in);
        List<Compare> compares = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            compares.add(readCompare(in));
        }
        return new Txn(compares, readOps(in), readOps(in));
    }

    private static void writeCompare(DataOutputStream out, Compare c) throws IOException {
        out.writeByte(c.result().ordinal());
        out.writeByte(c.target().ordinal());
        writeBytes(out, c.key());
        writeBytes(out, c.rangeEnd());
        out.writeLong(c.version());
        out.writeLong(c.createRevision());
        out.writeLong(c.modRevision());
        out.writeBoolean(c.value() != null);
        if (c.value() != null) {
            writeBytes(out, c.value());
        }
        out.writeLong(c.lease());
    }

    private static Compare readCompare(DataInputStream in) throws IOException {
        Compare.Result result = Compare.Result.values()[in.readUnsignedByte()];
        Compare.Target target = Compare.Target.values()[in.readUnsignedByte()];
        byte[] key = readBytes(in);
        byte[] end = readBytes(in);
        long version = in.readLong();
        long create = in.readLong();
        long mod = in.readLong();
        byte[] value = in.readBoolean() ? readBytes(in) : null;
        return new Compare(result, target, key, end, version, create, mod, value, in.readLong());
    }

    private static void writeOps(DataOutputStream out, List<TxnOp> ops) throws IOException {
        out.writeInt(ops.size());
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.RangeOp r) {
                out.writeByte(1);
                writeRange(out, r.range());
            } else if (op instanceof TxnOp.PutOp p) {
                out.writeByte(2);
                writePut(out, p.put());
            } else if (op instanceof TxnOp.DeleteOp d) {
                out.writeByte(3);
                writeDelete(out, d.delete());
            } else if (op instanceof TxnOp.TxnOpNested n) {
                out.writeByte(4);
                writeTxn(out, n.txn());
            } else {
                out.writeByte(5); // an EmptyOp: refused when applied, as before it is proposed
            }
        }
    }

    private static List<TxnOp> readOps(DataInputStream in) throws IOException {
        int n = readCount(in);
        List<TxnOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = in.readUnsignedByte();
            ops.add(switch (kind) {
                case 1 -> new TxnOp.RangeOp(readRange(in));
                case 2 -> new TxnOp.PutOp(readPut(in));
                case 3 -> new TxnOp.DeleteOp(readDelete(in));
                case 4 -> new TxnOp.TxnOpNested(readTxn(in));
                case 5 -> new TxnOp.EmptyOp();
                default -> throw new IllegalArgumentException("unknown txn op " + kind);
            });
        }
        return ops;
    }

    private static void writeRange(DataOutputStream out, RangeRequest r) throws IOException {
        writeBytes(out, r.key());
        writeBytes(out, r.rangeEnd());
        out.writeLong(r.limit());
        out.writeLong(r.revision());
        out.writeByte(r.sortOrder().ordinal());
        out.writeByte(r.sortTarget().ordinal());
        out.writeBoolean(r.keysOnly());
        out.writeBoolean(r.countOnly());
        out.writeLong(r.minModRevision());
        out.writeLong(r.maxModRevision());
        out.writeLong(r.minCreateRevision());
        out.writeLong(r.maxCreateRevision());
    }

    private static RangeRequest readRange(DataInputStream in) throws IOException {
        return new RangeRequest(readBytes(in), readBytes(in), in.readLong(), in.readLong(),
                RangeRequest.SortOrder.values()[in.readUnsignedByte()],
                RangeRequest.SortTarget.values()[in.readUnsignedByte()], in.readBoolean(), in.readBoolean(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    private static void writeZkTxn(DataOutputStream out, ZkTxn z) throws IOException {
        out.writeLong(z.sessionId());
        out.writeBoolean(z.identity().superUser());
        out.writeInt(z.identity().ids().size());
        for (ZkId id : z.identity().ids()) {
            out.writeUTF(id.scheme());
            out.writeUTF(id.id());
        }
        // One byte of flags, where older logs wrote the multi boolean (0 or 1).
        int flags = (z.multi() ? ZK_MULTI : 0) | (z.enforceQuota() ? ZK_ENFORCE_QUOTA : 0)
                | (z.origin() != 0 ? ZK_ORIGIN : 0);
        out.writeByte(flags);
        if (z.origin() != 0) {
            out.writeInt(z.origin());
        }
        out.writeInt(z.ops().size());
        for (ZkOp op : z.ops()) {
            writeZkOp(out, op);
        }
    }

    private static ZkTxn readZkTxn(DataInputStream in) throws IOException {
        long session = in.readLong();
        boolean superUser = in.readBoolean();
        int n = readCount(in);
        List<ZkId> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(new ZkId(in.readUTF(), in.readUTF()));
        }
        int flags = in.readUnsignedByte();
        if ((flags & ~(ZK_MULTI | ZK_ENFORCE_QUOTA | ZK_ORIGIN)) != 0) {
            throw new IllegalArgumentException("unknown zk txn flags " + flags);
        }
        int origin = (flags & ZK_ORIGIN) != 0 ? in.readInt() : 0;
        int ops = readCount(in);
        List<ZkOp> list = new ArrayList<>(ops);
        for (int i = 0; i < ops; i++) {
            list.add(readZkOp(in));
        }
        return new ZkTxn(session, new ZkIdentity(ids, superUser), list, (flags & ZK_MULTI) != 0, origin,
                (flags & ZK_ENFORCE_QUOTA) != 0);
    }

    private static void writeZkOp(DataOutputStream out, ZkOp op) throws IOException {
        if (op instanceof ZkOp.Create c) {
            out.writeByte(1);
            out.writeUTF(c.path());
            writeNullableBytes(out, c.data());
            writeAcl(out, c.acl());
            out.writeByte(c.kind().flag());
            out.writeLong(c.ttlMs());
        } else if (op instanceof ZkOp.Delete d) {
            out.writeByte(2);
            out.writeUTF(d.path());
            out.writeInt(d.version());
        } else if (op instanceof ZkOp.SetData s) {
            out.writeByte(3);
            out.writeUTF(s.path());
            writeNullableBytes(out, s.data());
            out.writeInt(s.version());
        } else if (op instanceof ZkOp.SetAcl s) {
            out.writeByte(4);
            out.writeUTF(s.path());
            writeAcl(out, s.acl());
            out.writeInt(s.aclVersion());
        } else {
            ZkOp.Check c = (ZkOp.Check) op;
            out.writeByte(5);
            out.writeUTF(c.path());
            out.writeInt(c.version());
        }
    }

    private static ZkOp readZkOp(DataInputStream in) throws IOException {
        int kind = in.readUnsignedByte();
        return switch (kind) {
            case 1 -> new ZkOp.Create(in.readUTF(), readNullableBytes(in), readAcl(in),
                    NodeKind.fromFlag(in.readUnsignedByte()), in.readLong());
            case 2 -> new ZkOp.Delete(in.readUTF(), in.readInt());
            case 3 -> new ZkOp.SetData(in.readUTF(), readNullableBytes(in), in.readInt());
            case 4 -> new ZkOp.SetAcl(in.readUTF(), readAcl(in), in.readInt());
            case 5 -> new ZkOp.Check(in.readUTF(), in.readInt());
            default -> throw new IllegalArgumentException("unknown zk op " + kind);
        };
    }

    private static void writeAcl(DataOutputStream out, List<Acl> acl) throws IOException {
        out.writeInt(acl.size());
        for (Acl a : acl) {
            out.writeInt(a.perms());
            out.writeUTF(a.scheme());
            out.writeUTF(a.id());
        }
    }

    private static List<Acl> readAcl(DataInputStream in) throws IOException {
        int n = readCount(in);
        List<Acl> acl = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            acl.add(new Acl(in.readInt(), in.readUTF(), in.readUTF()));
        }
        return acl;
    }

    static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > BYTES_LENGTH_MAX) {
            throw new IOException("bad byte string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static void writeNullableBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeBoolean(b != null);
        if (b != null) {
            writeBytes(out, b);
        }
    }

    private static byte[] readNullableBytes(DataInputStream in) throws IOException {
        return in.readBoolean() ? readBytes(in) : null;
    }

    static int readCount(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > LIST_ITEMS_MAX) {
            throw new IOException("bad list length " + n);
        }
        return n;
    }
}
