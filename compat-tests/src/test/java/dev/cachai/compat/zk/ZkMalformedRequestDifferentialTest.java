package dev.cachai.compat.zk;

import dev.cachai.compat.RandomSequences;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded random requests on the raw wire, most of them malformed, the same on Cachai and on a
 * real ZooKeeper 3.9.5: bodies cut short or with bytes to spare, invalid paths, null and
 * impossible string, buffer and ACL lengths, unknown create flags, watch modes and types, and bad
 * TTLs, for every opcode that takes a body. After each, a well-formed exists on the same
 * connection shows whether the server went on serving it. The answer codes, the paths created,
 * the watch events and every closed connection must be the same.
 */
class ZkMalformedRequestDifferentialTest extends BothTargets {
    private static final int CASES_PER_SEQUENCE = 150;
    /** An op type ZooKeeper does not know, inside a multi. */
    private static final int UNKNOWN_OP = 99;
    private static final int STAT_BYTES = 68;
    private static final int WATCH_EVENT_XID = -1;
    private static final String[] NAMES = {"a", "b", "c"};
    private static final int[] BAD_NUMBERS = {-1, 7, 99, Integer.MIN_VALUE};

    /** How a case departs from a well-formed request. */
    enum Flaw {
        NONE, CUT_SHORT, EXTRA_BYTES, INVALID_PATH, NULL_PATH, HUGE_PATH_LENGTH, NEGATIVE_PATH_LENGTH, NULL_ACL,
        HUGE_ACL_COUNT, BAD_ACL, BAD_NUMBER, NULL_DATA, HUGE_DATA_LENGTH
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.cachai.compat.RandomSequences#seeds")
    void malformedRequestsAnswerAsZooKeeper(long seed) throws Exception {
        String root = "/bad" + seed;
        List<String> expected = new Sequence(real, root, seed).run();
        RandomSequences.assertSameTranscript(expected, new Sequence(cachai, root, seed).run(), seed);
    }

    /** A request body written field by field, each field spoiled as the case's flaw says. */
    private static final class Body {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);
        private final Flaw flaw;
        private final Random random;
        private final String root;
        /** The path as written, for the transcript. */
        private String written = "";

        Body(Flaw flaw, Random random, String root) {
            this.flaw = flaw;
            this.random = random;
            this.root = root;
        }

        Body path(String path) throws IOException {
            switch (flaw) {
                case INVALID_PATH -> {
                    String invalid = invalidPath();
                    string(invalid);
                    note(invalid.replace("\0", "\\0").replace("\u0001", "\\1").replace("\ud800", "\\ud800"));
                }
                case NULL_PATH -> out.writeInt(-1);
                case HUGE_PATH_LENGTH -> out.writeInt(Integer.MAX_VALUE);
                case NEGATIVE_PATH_LENGTH -> out.writeInt(-5);
                default -> {
                    string(path);
                    note(path);
                }
            }
            return this;
        }

        /** The paths as written, a multi's ops' joined by commas. */
        String written() {
            return written;
        }

        private void note(String path) {
            written = written.isEmpty() ? path : written + "," + path;
        }

        private String invalidPath() {
            String[] invalid = {"", "a", root + "/", root + "//a", root + "/./a", root + "/../a", root + "/a\u0000b",
                    root + "/\u0001", root + "/a/", "/zookeeper/x", root + "/\ud800", "/", "/zookeeper",
                    "/zookeeper/quota", "/zookeeper/config"};
            return invalid[random.nextInt(invalid.length)];
        }

        Body data(byte[] data) throws IOException {
            if (flaw == Flaw.NULL_DATA) {
                out.writeInt(-1);
            } else if (flaw == Flaw.HUGE_DATA_LENGTH) {
                out.writeInt(Integer.MAX_VALUE - 16);
            } else {
                out.writeInt(data.length);
                out.write(data);
            }
            return this;
        }

        /** One ACL open to everyone, or a null, oversized or invalid list. */
        Body acl() throws IOException {
            if (flaw == Flaw.NULL_ACL) {
                out.writeInt(-1);
                return this;
            }
            if (flaw == Flaw.HUGE_ACL_COUNT) {
                out.writeInt(1_000_000_000);
                return this;
            }
            if (flaw == Flaw.BAD_ACL) {
                String[][] bad = {{"world", "nobody"}, {"ip", "300.1.1.1"}, {"digest", "nocolon"}, {"nosuch", "x"}};
                String[] chosen = bad[random.nextInt(bad.length)];
                int count = random.nextBoolean() ? 0 : 1; // an empty list is invalid too
                out.writeInt(count);
                if (count == 1) {
                    out.writeInt(31);
                    string(chosen[0]);
                    string(chosen[1]);
                }
                return this;
            }
            out.writeInt(1);
            out.writeInt(31);
            string("world");
            string("anyone");
            return this;
        }

        /** A number the server checks (create flags, a watch mode or type, a TTL's range). */
        Body checked(int good) throws IOException {
            out.writeInt(flaw == Flaw.BAD_NUMBER ? BAD_NUMBERS[random.nextInt(BAD_NUMBERS.length)] : good);
            return this;
        }

        Body integer(int v) throws IOException {
            out.writeInt(v);
            return this;
        }

        Body longValue(long v) throws IOException {
            out.writeLong(flaw == Flaw.BAD_NUMBER ? (random.nextBoolean() ? 0 : -1) : v);
            return this;
        }

        Body bool(boolean v) throws IOException {
            out.writeBoolean(v);
            return this;
        }

        private void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        byte[] bytes() {
            byte[] whole = bytes.toByteArray();
            if (flaw == Flaw.CUT_SHORT && whole.length > 0) {
                return Arrays.copyOf(whole, random.nextInt(whole.length));
            }
            if (flaw == Flaw.EXTRA_BYTES) {
                byte[] longer = Arrays.copyOf(whole, whole.length + 1 + random.nextInt(8));
                longer[whole.length] = 1;
                return longer;
            }
            return whole;
        }
    }

    private static final class Sequence {
        private final ZkTargets.Target target;
        private final String root;
        private final Random random;
        private final List<String> lines = new ArrayList<>();
        private RawZk raw;
        private int xid;

        Sequence(ZkTargets.Target target, String root, long seed) {
            this.target = target;
            this.root = root;
            this.random = new Random(seed);
        }

        List<String> run() throws Exception {
            open();
            try {
                exchange("root", 1, new Body(Flaw.NONE, random, root).path(root).data(new byte[0]).acl().integer(0));
                for (int i = 0; i < CASES_PER_SEQUENCE; i++) {
                    Flaw flaw = Flaw.values()[random.nextInt(Flaw.values().length)];
                    int type = opcode();
                    Body body = body(type, new Body(flaw, random, root));
                    exchange(i + " op" + type + " " + flaw + " " + body.written(), type, body);
                }
                return lines;
            } finally {
                raw.close();
            }
        }

        private void open() throws IOException {
            raw = new RawZk(target.connectString());
            try {
                raw.connect();
            } catch (IOException e) {
                throw new IOException("no new session from " + target + " after: "
                        + lines.subList(Math.max(0, lines.size() - 3), lines.size()), e);
            }
        }

        private int opcode() {
            int[] opcodes = {OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL, OpCode.delete,
                    OpCode.exists, OpCode.getData, OpCode.setData, OpCode.getACL, OpCode.setACL, OpCode.getChildren,
                    OpCode.getChildren2, OpCode.sync, OpCode.check, OpCode.checkWatches, OpCode.removeWatches,
                    OpCode.getEphemerals, OpCode.getAllChildrenNumber, OpCode.addWatch, OpCode.multi, OpCode.multiRead};
            return opcodes[random.nextInt(opcodes.length)];
        }

        private String path() {
            String name = root + "/" + NAMES[random.nextInt(NAMES.length)];
            return random.nextInt(3) == 0 ? name + "/x" : name;
        }

        private int version() {
            return random.nextInt(4) - 1;
        }

        /**
         * The request's fields in jute's order. Creates are persistent (or sequential): an
         * ephemeral would outlive a connection the server closes, until its session expires on a
         * timer of each server's own.
         */
        private Body body(int type, Body b) throws IOException {
            switch (type) {
                case OpCode.create, OpCode.create2 -> b.path(path()).data(data()).acl().checked(random.nextBoolean() ? 0 : 2);
                case OpCode.createContainer -> b.path(path()).data(data()).acl().checked(4);
                case OpCode.createTTL -> b.path(path()).data(data()).acl().checked(random.nextBoolean() ? 5 : 6).longValue(3_600_000);
                case OpCode.delete -> b.path(path()).integer(version());
                case OpCode.exists, OpCode.getData, OpCode.getChildren, OpCode.getChildren2 -> b.path(path()).bool(random.nextBoolean());
                case OpCode.setData -> b.path(path()).data(data()).integer(version());
                case OpCode.setACL -> b.path(path()).acl().integer(version());
                case OpCode.check -> b.path(path()).integer(version());
                case OpCode.checkWatches, OpCode.removeWatches -> b.path(path()).checked(1 + random.nextInt(3));
                case OpCode.addWatch -> b.path(path()).checked(random.nextInt(2));
                case OpCode.multi, OpCode.multiRead -> multiOps(type, b);
                default -> b.path(path()); // getACL, sync, getEphemerals, getAllChildrenNumber
            }
            return b;
        }

        /**
         * One to three ops, each behind its header, then the closing header. A write multi may
         * hold a read or an unknown op, a read multi a write: both are refused whole.
         */
        private void multiOps(int type, Body b) throws IOException {
            // Not createTTL: ZooKeeper's multi turns one with a mode that is no TTL mode into a
            // plain create, a detail left out. Not a lone read either (a multi of reads only).
            int[] writeOps = {OpCode.create, OpCode.delete, OpCode.setData, OpCode.check, OpCode.create2,
                    OpCode.createContainer, OpCode.create, OpCode.delete, OpCode.setData, OpCode.check, UNKNOWN_OP};
            int[] readOps = {OpCode.getData, OpCode.getChildren, OpCode.getData, OpCode.getChildren, OpCode.create};
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                int[] choices = type == OpCode.multi ? writeOps : readOps;
                int op = choices[random.nextInt(choices.length)];
                b.integer(op).bool(false).integer(-1);
                b.note("op" + op);
                body(op == UNKNOWN_OP ? OpCode.sync : op, b); // a body of the sync shape
            }
            b.integer(-1).bool(true).integer(-1);
        }

        private byte[] data() {
            return ("d" + random.nextInt(10)).getBytes(StandardCharsets.UTF_8);
        }

        /**
         * Sends the request and a well-formed exists after it; writes down the request's answer
         * code (and a created path), the watch events that came, and whether the server closed
         * the connection before answering the exists (then a new session goes on).
         */
        private void exchange(String label, int type, Body body) throws IOException {
            int request = ++xid;
            int probe = ++xid;
            byte[] probeBody = new Body(Flaw.NONE, random, root).path("/").bool(false).bytes();
            try {
                raw.send(request, type, body.bytes());
                // ZooKeeper closes the connection after refusing a check outside a multi, while
                // it may already be serving the next request: none follows it here.
                if (type != OpCode.check) {
                    raw.send(probe, OpCode.exists, probeBody);
                }
            } catch (java.net.SocketException closedMeanwhile) {
                // The server closed the connection after the request: what it wrote is read below.
            }
            List<String> heard = new ArrayList<>();
            while (true) {
                byte[] frame = raw.nextFrame();
                if (frame == null) {
                    heard.add("closed");
                    raw.close();
                    open();
                    break;
                }
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
                int replyXid = in.readInt();
                in.readLong();
                int err = in.readInt();
                if (replyXid == probe) {
                    break;
                }
                if (replyXid == WATCH_EVENT_XID) {
                    heard.add("event " + in.readInt() + " " + in.readInt() + " " + readString(in));
                } else if (replyXid == request) {
                    boolean created = err == 0 && (type == OpCode.create || type == OpCode.create2
                            || type == OpCode.createContainer || type == OpCode.createTTL);
                    boolean multi = type == OpCode.multi || type == OpCode.multiRead;
                    heard.add("err " + err + (created ? " " + readString(in) : "") + (multi ? " " + multiResults(in) : ""));
                } else {
                    heard.add("xid " + replyXid + " err " + err);
                }
            }
            lines.add(label + " -> " + heard);
        }

        /** Each op's result type and code in a multi's answer (and the paths it created). */
        private static List<String> multiResults(DataInputStream in) throws IOException {
            List<String> out = new ArrayList<>();
            try {
                while (true) {
                    int type = in.readInt();
                    boolean done = in.readBoolean();
                    int err = in.readInt();
                    if (done) {
                        return out;
                    }
                    String created = "";
                    switch (type) {
                        case -1 -> in.readInt();
                        case OpCode.create -> created = " " + readString(in);
                        case OpCode.create2 -> {
                            created = " " + readString(in);
                            in.skipBytes(STAT_BYTES);
                        }
                        case OpCode.setData -> in.skipBytes(STAT_BYTES);
                        case OpCode.getData -> {
                            int length = in.readInt();
                            in.skipBytes(Math.max(length, 0) + STAT_BYTES);
                        }
                        case OpCode.getChildren -> {
                            // ZooKeeper lists children in its hash set's order.
                            List<String> kids = new ArrayList<>();
                            for (int i = in.readInt(); i > 0; i--) {
                                kids.add(readString(in));
                            }
                            created = " " + kids.stream().sorted().toList();
                        }
                        default -> { } // delete and check carry no body
                    }
                    out.add(type + "/" + err + created);
                }
            } catch (java.io.EOFException end) {
                out.add("(no more)");
                return out;
            }
        }

        private static String readString(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                return "null";
            }
            byte[] b = new byte[length];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
