package dev.cachai.netty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers a test or a benchmark starts a moment later. A port the kernel
 * picks (bind to 0) comes from its ephemeral range, where any outgoing connection made meanwhile
 * may take it before the server binds it ("Address already in use"). These come from below that
 * range (Linux's default starts at 32768), which outgoing connections never use, and a port is
 * handed out once per JVM.
 */
public final class FreeLoopbackPorts {
    /** Below Linux's default ephemeral range (32768-60999) and above most services' well-known ports. */
    static final int LOW = 20_000;
    static final int HIGH_EXCLUSIVE = 32_768;
    private static final int ATTEMPTS_MAX = 1_000;
    /** Ports handed out by this JVM: at most the range's size. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreeLoopbackPorts() {}

    public static int next() {
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH_EXCLUSIVE);
            if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free loopback port in " + LOW + "-" + (HIGH_EXCLUSIVE - 1)
                + " after " + ATTEMPTS_MAX + " tries"));
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
