package dev.cachai.compat.zk;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Hand-made ZooKeeper frames over a plain socket, for what the Java client cannot send. */
final class RawZk implements AutoCloseable {
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final int SESSION_TIMEOUT_MS = 10_000;
    private static final int PASSWORD_BYTES = 16;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    RawZk(String connectString) throws IOException {
        String[] hp = connectString.split(":");
        socket = new Socket(hp[0], Integer.parseInt(hp[1]));
        socket.setSoTimeout(READ_TIMEOUT_MS);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Sends a ConnectRequest for a new session and returns the negotiated timeout. */
    int connect() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(0);
        d.writeLong(0);
        d.writeInt(SESSION_TIMEOUT_MS);
        d.writeLong(0);
        d.writeInt(PASSWORD_BYTES);
        d.write(new byte[PASSWORD_BYTES]);
        d.writeBoolean(false);
        send(body.toByteArray());
        DataInputStream reply = new DataInputStream(new java.io.ByteArrayInputStream(readFrame()));
        reply.readInt();
        return reply.readInt();
    }

    /** Sends a request with only a header; returns the reply header's error code. */
    int request(int xid, int type) throws IOException {
        send(xid, type, new byte[0]);
        DataInputStream reply = new DataInputStream(new java.io.ByteArrayInputStream(readFrame()));
        reply.readInt();
        reply.readLong();
        return reply.readInt();
    }

    /** Sends a request frame: the header, then {@code body} as given. */
    void send(int xid, int type, byte[] body) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(frame);
        d.writeInt(xid);
        d.writeInt(type);
        d.write(body);
        send(frame.toByteArray());
    }

    /** The next reply frame whole (header first), or null once the server has closed the connection. */
    byte[] nextFrame() throws IOException {
        try {
            return readFrame();
        } catch (java.io.EOFException | java.net.SocketException closed) {
            return null;
        }
    }

    /** Whether the server closed the connection (within the read timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private void send(byte[] frame) throws IOException {
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
    }

    private byte[] readFrame() throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }

    /** A four-letter word on a fresh connection: everything the server writes before closing. */
    static String fourLetterWord(String connectString, String word) throws IOException {
        return fourLetterWord(connectString, word.getBytes(StandardCharsets.US_ASCII));
    }

    /** A word with what follows it in the same write (stmk's 8-byte mask). */
    static String fourLetterWord(String connectString, byte[] request) throws IOException {
        try (RawZk raw = new RawZk(connectString)) {
            raw.out.write(request);
            raw.out.flush();
            InputStream s = raw.in;
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
