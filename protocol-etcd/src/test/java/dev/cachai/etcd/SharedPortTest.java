package dev.cachai.etcd;

import dev.cachai.engine.testing.SyncGateway;

import com.google.protobuf.ByteString;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** gRPC and the HTTP/1.1 gateway on one port, told apart by the first bytes as etcd's cmux does. */
class SharedPortTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void grpcAndHttpShareTheClientPortByDefault() throws Exception {
        try (EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), new SyncGateway())) {
            server.start();
            assertThat(server.gatewayPort()).isEqualTo(server.port());
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                var kv = KVGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
                kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("foo"))
                        .setValue(ByteString.copyFromUtf8("bar")).build());
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(TIMEOUT).build();
                String base = "http://127.0.0.1:" + server.port();
                // "foo" in base64: the gateway sees what gRPC wrote, on the same port.
                String range = http.send(HttpRequest.newBuilder(URI.create(base + "/v3/kv/range")).timeout(TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"Zm9v\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(range).contains("\"value\":\"YmFy\"");
                String health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(TIMEOUT).GET()
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(health).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
                // And gRPC still works after HTTP/1.1 connections came and went.
                assertThat(kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("foo")).build())
                        .getCount()).isEqualTo(1);
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void requestArrivingByteByByteIsStillRecognised() throws Exception {
        try (EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), new SyncGateway());
             Socket s = new Socket()) {
            server.start();
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), (int) TIMEOUT.toMillis());
            s.setSoTimeout((int) TIMEOUT.toMillis());
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            for (byte b : "GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
            }
            String reply = readAll(s.getInputStream());
            assertThat(reply).startsWith("HTTP/1.1 200 OK").contains("\"etcdserver\":\"3.5.17\"");
        }
    }

    @Test
    void closingTheServerEndsOpenHttpConnections() throws Exception {
        EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), new SyncGateway());
        server.start();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            // A watch stream stays open until the server goes away.
            String body = "{\"create_request\":{\"key\":\"Zm9v\"}}";
            s.getOutputStream().write(("POST /v3/watch HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertThat(in.read()).isNotEqualTo(-1); // the response head arrived
            long startNs = System.nanoTime();
            server.close();
            in.readAllBytes(); // returns at end of stream, or fails on the socket timeout
            assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(TIMEOUT);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
