package dev.cachai.bench.load;

import java.util.Locale;

/**
 * The client the ZooKeeper workloads load a server through
 * ({@code --zk-client}). {@link #WIRE} writes the protocol's frames itself on Netty, one
 * connection per session with its requests pipelined, as a lean load tool does. {@link #JAVA}
 * is ZooKeeper's own client, whose two threads per session and hand-offs between them cost
 * the load generator about 21 µs of CPU per create at 128 clients on the two cores it shares
 * with the server under test.
 */
public enum ZkClientKind {
    WIRE,
    JAVA;

    public static ZkClientKind parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--zk-client is wire or java, not " + text);
        }
    }
}
