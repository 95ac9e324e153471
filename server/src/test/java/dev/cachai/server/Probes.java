package dev.cachai.server;

import dev.cachai.metrics.Scrape;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** What monitoring asks a node: HTTP probes and scrapes on the etcd port, four-letter words on the ZooKeeper port. */
public final class Probes {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private Probes() {}

    public static HttpResponse<String> get(CachaiServer node, String pathAndQuery) {
        return send(node, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.etcdPort() + pathAndQuery))
                .timeout(TIMEOUT).GET().build());
    }

    public static HttpResponse<String> post(CachaiServer node, String path, String json) {
        return send(node, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.etcdPort() + path))
                .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> send(CachaiServer node, HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** /metrics, read back (and so checked against the text format). */
    public static Scrape scrape(CachaiServer node) {
        HttpResponse<String> r = get(node, "/metrics");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + r.statusCode());
        }
        return Scrape.parse(r.body());
    }

    public static double value(CachaiServer node, String name, String... labels) {
        return scrape(node).value(name, labels)
                .orElseThrow(() -> new AssertionError("no sample " + name + " with labels " + String.join(",", labels)));
    }

    /** A four-letter word and everything the server answers before it closes the connection. */
    public static String fourLetter(CachaiServer node, String word) {
        try (Socket s = new Socket("127.0.0.1", node.zkPort())) {
            s.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
