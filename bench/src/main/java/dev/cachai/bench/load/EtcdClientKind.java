package dev.cachai.bench.load;

import java.util.Locale;

/**
 * The client library the etcd workloads load a server through, for their calls and watchers
 * ({@code --etcd-client}).
 * {@link #GRPC} makes the calls on grpc-java stubs, as etcd's own benchmark tool makes them on
 * the Go client's: on two cores the load generator shares the machine with the server, and
 * jetcd (Vert.x gRPC) spent about 56 µs of CPU per put at 128 clients, more than the server
 * under test got, so every server's rate measured mostly the client. {@link #JETCD} keeps the
 * library applications use.
 */
public enum EtcdClientKind {
    GRPC,
    JETCD;

    public static EtcdClientKind parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--etcd-client is grpc or jetcd, not " + text);
        }
    }
}
