package dev.cachai.zk.codec;

import dev.cachai.engine.AsciiNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.GetChildren2Response;
import org.apache.zookeeper.proto.GetChildrenResponse;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/** Reading jute records from frames and writing length-prefixed reply frames. */
public final class Jute {
    private Jute() {}

    /** An input archive over a frame; strings and buffers longer than {@code bytesMax} are refused. */
    public static BinaryInputArchive input(ByteBuf frame, int bytesMax) {
        return new BinaryInputArchive(new ByteBufInputStream(frame), bytesMax, 0);
    }

    public static <T extends Record> T read(BinaryInputArchive in, T record) throws IOException {
        record.deserialize(in, "r");
        return record;
    }

    /**
     * One frame: the length, then each record (null records are skipped). Records are serialized
     * into this thread's scratch array and copied into the frame in one piece: jute writes field
     * by field, and each small write into a pooled direct buffer costs more than the copy.
     */
    public static ByteBuf frame(ByteBufAllocator alloc, Record... records) {
        Scratch scratch = SCRATCH.get();
        scratch.reset();
        try {
            for (Record r : records) {
                if (r != null) {
                    write(scratch, r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int length = scratch.size();
        ByteBuf buf = alloc.buffer(4 + length);
        buf.writeInt(length);
        buf.writeBytes(scratch.bytes(), 0, length);
        if (scratch.bytes().length > SCRATCH_RETAINED_BYTES_MAX) {
            SCRATCH.remove(); // a rare large reply does not pin its buffer to the thread
        }
        return buf;
    }

    /**
     * Child lists are most of a getChildren reply: their names are written here without jute's
     * per-character encoder when they are ASCII (the same bytes), the rest as jute writes them.
     */
    private static void write(Scratch scratch, Record r) throws IOException {
        if (r instanceof GetChildrenResponse c) {
            scratch.writeStrings(c.getChildren());
        } else if (r instanceof GetChildren2Response c) {
            scratch.writeStrings(c.getChildren());
            c.getStat().serialize(scratch.archive, "stat");
        } else {
            r.serialize(scratch.archive, "r");
        }
    }

    /** A thread's scratch array keeps at most this many bytes between frames. */
    static final int SCRATCH_RETAINED_BYTES_MAX = 256 * 1024;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * A growable byte array with a jute archive writing into it (the archive keeps its own small
     * buffer). Unsynchronized, unlike ByteArrayOutputStream: only its thread uses it.
     */
    private static final class Scratch extends OutputStream {
        final BinaryOutputArchive archive = new BinaryOutputArchive(new DataOutputStream(this));
        private byte[] bytes = new byte[1024];
        private int size;

        void reset() {
            size = 0;
        }

        int size() {
            return size;
        }

        byte[] bytes() {
            return bytes;
        }

        /** A jute vector of strings: its length (-1 for null), then each string. */
        void writeStrings(List<String> strings) throws IOException {
            if (strings == null) {
                writeInt(-1);
                return;
            }
            writeInt(strings.size());
            // The engine marks listings it already found to be all ASCII: no second look at each char.
            boolean knownAscii = strings instanceof AsciiNames;
            for (String s : strings) {
                if (s != null && (knownAscii || isAscii(s))) {
                    writeAscii(s);
                } else {
                    archive.writeString(s, "s");
                }
            }
        }

        /** An ASCII string's chars are its UTF-8 bytes: copied straight in after the length. */
        @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) is exact for ASCII
        private void writeAscii(String s) {
            int length = s.length();
            writeInt(length);
            ensure(length);
            s.getBytes(0, length, bytes, size);
            size += length;
        }

        /** Big-endian, as jute's archive writes it, without going through its DataOutputStream. */
        private void writeInt(int v) {
            ensure(4);
            bytes[size] = (byte) (v >>> 24);
            bytes[size + 1] = (byte) (v >>> 16);
            bytes[size + 2] = (byte) (v >>> 8);
            bytes[size + 3] = (byte) v;
            size += 4;
        }

        private static boolean isAscii(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}
