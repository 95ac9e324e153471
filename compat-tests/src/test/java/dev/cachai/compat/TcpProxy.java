package dev.cachai.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP relay in front of a server, so a test can cut a client or a peer off:
 * {@link #dropAll()} closes every relayed connection (the client reconnects),
 * {@link #refuse(boolean)} also turns away new ones (the client cannot reach the server, its
 * session expires there), {@link #blackhole(boolean)} keeps connections open but silently drops
 * what they carry, as a network partition does.
 */
public final class TcpProxy implements AutoCloseable {
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;
    private volatile boolean blackholed;

    public TcpProxy(String targetHostPort) throws IOException {
        String[] hp = targetHostPort.split(":");
        this.target = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    public void refuse(boolean on) {
        refusing = on;
        if (on) {
            dropAll();
        }
    }

    public void dropAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    /**
     * On: bytes in both directions are read and thrown away, nothing is closed, so each side only
     * learns of the cut by silence. Off: the connections that lost bytes are closed (their streams
     * are no longer whole) and new ones are relayed again.
     */
    public void blackhole(boolean on) {
        if (!on && blackholed) {
            dropAll();
        }
        blackholed = on;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(server);
                pump(client, server);
                pump(server, client);
            } catch (IOException e) {
                // listener closed or target unreachable: the client sees a failed connect
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[COPY_BUFFER_BYTES];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (!blackholed) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side closed: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        refusing = true;
        dropAll();
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
