package dev.cachai.etcd.support;

import io.grpc.Attributes;
import io.grpc.MethodDescriptor;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

import java.io.InputStream;

/**
 * Answers a request that is not a valid protobuf message as etcd's gRPC server does: INTERNAL
 * with "grpc: error unmarshalling request: ...". grpc-java parses before any interceptor runs
 * and turns a parse failure into UNKNOWN "Application error processing RPC" with a logged stack
 * trace per request; here each method takes the raw bytes and parses them inside the call
 * instead, where the failure can be answered and nothing is logged. (grpc's own
 * {@code ServerInterceptors.useInputStreamMessages} would also turn every answer into a stream
 * and still throw the parse failure out of the call; only the request side changes here.)
 */
public final class UnparsableRequests {
    /** The text etcd's (grpc-go's) server puts before the parser's reason. */
    static final String PREFIX = "grpc: error unmarshalling request: ";

    private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    private UnparsableRequests() {}

    /** The same service, its methods parsing their requests inside the call. */
    public static ServerServiceDefinition answeredAsEtcd(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            b.addMethod(parsingInside(method));
        }
        return b.build();
    }

    private static <Q, R> ServerMethodDefinition<InputStream, R> parsingInside(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> parsed = method.getMethodDescriptor();
        MethodDescriptor<InputStream, R> raw = parsed.toBuilder(RAW, parsed.getResponseMarshaller()).build();
        ServerCallHandler<Q, R> handler = method.getServerCallHandler();
        return ServerMethodDefinition.create(raw, (call, headers) -> {
            ParsedCall<Q, R> inner = new ParsedCall<>(call, parsed);
            return new ParsingListener<>(call, parsed, handler.startCall(inner, headers));
        });
    }

    /** The reason a request did not parse, as the parser gave it. */
    static String reason(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Parses each message; after one fails, the call is closed and only its end is passed on. */
    private static final class ParsingListener<Q> extends ServerCall.Listener<InputStream> {
        private final ServerCall<InputStream, ?> call;
        private final MethodDescriptor<Q, ?> parsed;
        private final ServerCall.Listener<Q> inner;
        private boolean failed;

        ParsingListener(ServerCall<InputStream, ?> call, MethodDescriptor<Q, ?> parsed, ServerCall.Listener<Q> inner) {
            this.call = call;
            this.parsed = parsed;
            this.inner = inner;
        }

        @Override
        public void onMessage(InputStream message) {
            if (failed) {
                return;
            }
            Q request;
            try {
                request = parsed.parseRequest(message);
            } catch (RuntimeException e) {
                failed = true;
                call.close(Status.INTERNAL.withDescription(PREFIX + reason(e)), new Metadata());
                return;
            }
            inner.onMessage(request);
        }

        @Override
        public void onHalfClose() {
            if (!failed) {
                inner.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!failed) {
                inner.onReady();
            }
        }

        @Override
        public void onCancel() {
            inner.onCancel();
        }

        @Override
        public void onComplete() {
            inner.onComplete();
        }
    }

    /** The transport's call as the service sees it: parsed requests, the original descriptor. */
    private static final class ParsedCall<Q, R> extends ServerCall<Q, R> {
        private final ServerCall<InputStream, R> raw;
        private final MethodDescriptor<Q, R> parsed;

        ParsedCall(ServerCall<InputStream, R> raw, MethodDescriptor<Q, R> parsed) {
            this.raw = raw;
            this.parsed = parsed;
        }

        @Override
        public void request(int count) {
            raw.request(count);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            raw.sendHeaders(headers);
        }

        @Override
        public void sendMessage(R message) {
            raw.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return raw.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            raw.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return raw.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            raw.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            raw.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            raw.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return raw.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return raw.getAttributes();
        }

        @Override
        public String getAuthority() {
            return raw.getAuthority();
        }

        @Override
        public MethodDescriptor<Q, R> getMethodDescriptor() {
            return parsed;
        }
    }
}
