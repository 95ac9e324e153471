package dev.cachai.bench.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** ZooKeeper's four-letter words over a plain socket: the word out, everything until the server closes back. */
final class FourLetterWords {
    private static final int TIMEOUT_MS = 2_000;
    /** srvr and mntr answers are a few hundred bytes; anything longer is cut here. */
    private static final int ANSWER_BYTES_MAX = 64 * 1024;

    private FourLetterWords() {}

    static String ask(String hostPort, String word) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(ANSWER_BYTES_MAX), StandardCharsets.UTF_8);
        }
    }
}
