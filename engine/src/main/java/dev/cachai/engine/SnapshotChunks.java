package dev.cachai.engine;

import org.mapdb.SortedTableMap;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Iterator;

/**
 * A snapshot's byte stream stored as numbered values of bounded size. MapDB's write-once table
 * packs 32 values into a node that must fit one 1 MiB page: storing each key as one value failed
 * (an AssertionError in the table's writer) as soon as 32 neighbouring keys held more than that,
 * which one large value or one key with a long history is enough for.
 */
final class SnapshotChunks {
    /**
     * Bytes per stored value: a node of 32 holds about 313 KiB, and three nodes fill 92% of a page
     * (the table starts a new page for a node that does not fit, so 16 KiB chunks, 512 KiB nodes,
     * left every page half empty and doubled the file).
     */
    static final int CHUNK_BYTES = 10_000;

    private SnapshotChunks() {}

    /** Cuts what is written into values 0, 1, 2, ... of the table being built. */
    static final class Output extends OutputStream {
        private final SortedTableMap.Sink<Long, byte[]> sink;
        private final byte[] chunk;
        private int count;
        private long next;

        Output(SortedTableMap.Sink<Long, byte[]> sink, int chunkBytes) {
            this.sink = sink;
            this.chunk = new byte[chunkBytes];
        }

        @Override
        public void write(int b) {
            if (count == chunk.length) {
                emit();
            }
            chunk[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (count == chunk.length) {
                    emit();
                }
                int n = Math.min(len, chunk.length - count);
                System.arraycopy(b, off, chunk, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        /** Stores the last, partly filled chunk; nothing may be written after. */
        void finish() {
            if (count > 0) {
                emit();
            }
        }

        private void emit() {
            sink.put(next++, Arrays.copyOf(chunk, count));
            count = 0;
        }
    }

    /** The stored values read back as one stream, in key order. */
    static InputStream input(Iterator<byte[]> chunks) {
        return new SequenceInputStream(new Enumeration<InputStream>() {
            @Override
            public boolean hasMoreElements() {
                return chunks.hasNext();
            }

            @Override
            public InputStream nextElement() {
                return new ByteArrayInputStream(chunks.next());
            }
        });
    }
}
