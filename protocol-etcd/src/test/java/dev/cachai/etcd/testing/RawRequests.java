package dev.cachai.etcd.testing;

import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Calls that send and receive bytes as they are, for requests no protobuf library would write. */
public final class RawRequests {
    /** A field 1 (key) that says five bytes follow, and only two do. */
    public static final byte[] TRUNCATED = {0x0a, 0x05, 'a', 'b'};

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private RawRequests() {}

    /** The same method, its requests and answers as bytes. */
    public static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
        return method.toBuilder(BYTES, BYTES).build();
    }
}
