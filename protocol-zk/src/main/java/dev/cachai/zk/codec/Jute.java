package dev.cachai.zk.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;

import java.io.IOException;
import java.io.UncheckedIOException;

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

    /** One frame: the length, then each record (null records are skipped). */
    public static ByteBuf frame(ByteBufAllocator alloc, Record... records) {
        ByteBuf buf = alloc.buffer();
        buf.writeInt(0);
        try (ByteBufOutputStream os = new ByteBufOutputStream(buf)) {
            BinaryOutputArchive out = new BinaryOutputArchive(os);
            for (Record r : records) {
                if (r != null) {
                    r.serialize(out, "r");
                }
            }
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        }
        buf.setInt(0, buf.readableBytes() - 4);
        return buf;
    }
}
