package dev.cachai.etcd.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.auth.AuthInterceptor;
import dev.cachai.metrics.TextFormat;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Serves one gateway request: probes directly, /v3 calls through the in-process channel. */
final class GatewayRequests {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

    /** The content type Go gives plain text it writes or sniffs. */
    private static final String GO_PLAIN_TEXT = "text/plain; charset=utf-8";

    private final Map<String, String> routes;
    private final Map<String, MethodDescriptor<?, ?>> methods;
    private final ManagedChannel channel;
    private final EtcdContext ctx;
    private final HealthChecks health;

    GatewayRequests(Map<String, String> routes, Map<String, MethodDescriptor<?, ?>> methods, ManagedChannel channel,
                    EtcdContext ctx) {
        this.routes = routes;
        this.methods = methods;
        this.channel = channel;
        this.ctx = ctx;
        this.health = new HealthChecks(ctx);
    }

    void handle(ChannelHandlerContext chc, FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        String path = query.path();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Optional<CompletableFuture<HealthChecks.Answer>> probe = health.answer(path, query);
        if (probe.isPresent()) {
            if (!request.method().equals(HttpMethod.GET)) {
                methodNotAllowed(chc, keepAlive, HttpMethod.GET);
                return;
            }
            probe.get().whenComplete((answer, e) -> {
                if (e != null) {
                    reply(chc, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e.getMessage()));
                } else {
                    // etcd writes the JSON without a content type, which Go then sniffs as plain text.
                    reply(chc, keepAlive, answer.status(), answer.body(), GO_PLAIN_TEXT);
                }
            });
            return;
        }
        switch (path) {
            case "/version" -> {
                if (!request.method().equals(HttpMethod.GET)) {
                    methodNotAllowed(chc, keepAlive, HttpMethod.GET);
                } else {
                    reply(chc, keepAlive, HttpResponseStatus.OK, "{\"etcdserver\":\"" + ctx.config().version()
                            + "\",\"etcdcluster\":\"" + ctx.config().clusterVersion() + "\"}");
                }
            }
            case "/metrics" -> reply(chc, keepAlive, HttpResponseStatus.OK, ctx.metrics().registry().scrape(),
                    TextFormat.CONTENT_TYPE);
            default -> call(chc, keepAlive, path, request);
        }
    }

    /** Go's http.Error for a method the path does not take, with etcd's Allow header. */
    private static void methodNotAllowed(ChannelHandlerContext chc, boolean keepAlive, HttpMethod allowed) {
        FullHttpResponse response = plainText(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed\n");
        response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
        send(chc, keepAlive, response);
    }

    private void call(ChannelHandlerContext chc, boolean keepAlive, String path, FullHttpRequest request) {
        String method = routes.get(path);
        MethodDescriptor<?, ?> md = method == null ? null : methods.get(method);
        if (md == null) {
            // Under /v3/ grpc-gateway answers with Go's http.Error; elsewhere Go's mux does.
            send(chc, keepAlive, plainText(HttpResponseStatus.NOT_FOUND,
                    path.startsWith("/v3/") ? "Not Found\n" : "404 page not found\n"));
            return;
        }
        if (!request.method().equals(HttpMethod.POST)) {
            // grpc-gateway: a path it serves, asked with another method.
            send(chc, keepAlive, plainText(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed\n"));
            return;
        }
        List<Message> messages;
        try {
            messages = parse(md, ByteBufUtil.getBytes(request.content()));
        } catch (GoJson.GoJsonException e) {
            Status bad = Status.INVALID_ARGUMENT.withDescription(e.getMessage());
            reply(chc, keepAlive, HttpResponseStatus.BAD_REQUEST, GatewayErrors.unary(bad));
            return;
        }
        Metadata headers = new Metadata();
        String token = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (token != null) {
            headers.put(AuthInterceptor.TOKEN, token);
        }
        @SuppressWarnings("unchecked")
        ClientCall<Message, Message> call =
                (ClientCall<Message, Message>) channel.newCall(md, CallOptions.DEFAULT);
        if (md.getType() == MethodDescriptor.MethodType.UNARY) {
            call.start(new UnaryListener(chc, keepAlive), headers);
        } else {
            startStream(chc, call);
            call.start(new StreamListener(chc, call), headers);
        }
        call.request(1);
        for (Message m : messages) {
            call.sendMessage(m);
        }
        // A watch stays open after its requests; other streams end when the client is done.
        if (!md.getFullMethodName().equals("etcdserverpb.Watch/Watch")) {
            call.halfClose();
        }
    }

    /**
     * The body holds one JSON request, or several back to back for client streams; read as etcd's
     * gateway reads it (see {@link GoJson}, {@link JsonPb}). An empty body is the default request.
     * A unary call takes the first value and ignores what follows, as etcd does; a stream takes
     * values up to the first it cannot read (only a bad first value fails the call).
     */
    static List<Message> parse(MethodDescriptor<?, ?> md, byte[] body) throws GoJson.GoJsonException {
        Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) md.getRequestMarshaller())
                .getMessagePrototype();
        boolean stream = md.getType() != MethodDescriptor.MethodType.UNARY;
        GoJson.Decoder values = new GoJson.Decoder(body);
        List<Message> out = new ArrayList<>();
        Object first = values.next();
        if (first == null) {
            return List.of(prototype);
        }
        out.add(JsonPb.toMessage(first, prototype));
        while (stream) {
            try {
                Object next = values.next();
                if (next == null) {
                    break;
                }
                out.add(JsonPb.toMessage(next, prototype));
            } catch (GoJson.GoJsonException e) {
                break;
            }
        }
        return out;
    }

    private static String print(Message m) {
        try {
            return PRINTER.print(m);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(ChannelHandlerContext chc, boolean keepAlive, HttpResponseStatus status, String body) {
        reply(chc, keepAlive, status, body,
                body.startsWith("{") ? HttpHeaderValues.APPLICATION_JSON : HttpHeaderValues.TEXT_PLAIN);
    }

    private static void reply(ChannelHandlerContext chc, boolean keepAlive, HttpResponseStatus status, String body,
                              CharSequence contentType) {
        send(chc, keepAlive, response(status, body, contentType));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String body, CharSequence contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return response;
    }

    /** What Go's http.Error writes. */
    private static FullHttpResponse plainText(HttpResponseStatus status, String body) {
        FullHttpResponse response = response(status, body, GO_PLAIN_TEXT);
        response.headers().set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private static void send(ChannelHandlerContext chc, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        var f = chc.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void startStream(ChannelHandlerContext chc, ClientCall<Message, Message> call) {
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setTransferEncodingChunked(head, true);
        chc.writeAndFlush(head);
        chc.channel().closeFuture().addListener(f -> call.cancel("HTTP client went away", null));
    }

    private static final class UnaryListener extends ClientCall.Listener<Message> {
        private final ChannelHandlerContext chc;
        private final boolean keepAlive;
        private Message response;

        UnaryListener(ChannelHandlerContext chc, boolean keepAlive) {
            this.chc = chc;
            this.keepAlive = keepAlive;
        }

        @Override
        public void onMessage(Message message) {
            response = message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (status.isOk() && response != null) {
                reply(chc, keepAlive, HttpResponseStatus.OK, print(response));
            } else {
                reply(chc, keepAlive, GatewayErrors.httpStatus(status.getCode()), GatewayErrors.unary(status));
            }
        }
    }

    /** Writes each message as a {"result":...} chunk, asking for the next once it is flushed. */
    private static final class StreamListener extends ClientCall.Listener<Message> {
        private final ChannelHandlerContext chc;
        private final ClientCall<Message, Message> call;

        StreamListener(ChannelHandlerContext chc, ClientCall<Message, Message> call) {
            this.chc = chc;
            this.call = call;
        }

        @Override
        public void onMessage(Message message) {
            String chunk = "{\"result\":" + print(message) + "}\n";
            chc.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8)))
                    .addListener(f -> {
                        if (f.isSuccess()) {
                            call.request(1);
                        }
                    });
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
                String chunk = GatewayErrors.stream(status) + "\n";
                chc.write(new DefaultHttpContent(Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8)));
            }
            chc.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }
}
