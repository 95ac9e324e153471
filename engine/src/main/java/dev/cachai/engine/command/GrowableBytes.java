package dev.cachai.engine.command;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A byte sink for one encoding at a time on one thread. {@link java.io.ByteArrayOutputStream}
 * locks on every write, and {@link java.io.DataOutputStream} writes an int as four single-byte writes: encoding
 * a create took about 60 uncontended lock round trips on the connection's thread.
 */
public final class GrowableBytes extends OutputStream {
    private byte[] buf;
    private int count;

    public GrowableBytes(int initialBytes) {
        buf = new byte[initialBytes];
    }

    @Override
    public void write(int b) {
        if (count == buf.length) {
            grow(1);
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (len > buf.length - count) {
            grow(len);
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    private void grow(int moreBytes) {
        // Doubling, as ByteArrayOutputStream does; a command is bounded by the request limits.
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + moreBytes));
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    public int size() {
        return count;
    }

    /** Copies what it holds to {@code out}, without an intermediate array. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, count);
    }

    /** Empties it for the next encoding, keeping the buffer. */
    public void reset() {
        count = 0;
    }
}
