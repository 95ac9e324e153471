package dev.cachai.zk.session;

import io.netty.buffer.ByteBuf;

import java.io.IOException;

/**
 * ZooKeeper's ConnectRequest, read by hand because old clients omit the trailing readOnly byte
 * and the reply must then omit it too.
 */
public record ConnectRequestFrame(int protocolVersion, long lastZxidSeen, int timeoutMs, long sessionId,
                                  byte[] password, boolean readOnly, boolean hasReadOnlyByte) {
    private static final int PASSWORD_BYTES_MAX = 64;

    public static ConnectRequestFrame read(ByteBuf in) throws IOException {
        if (in.readableBytes() < 4 + 8 + 4 + 8 + 4) {
            throw new IOException("short ConnectRequest");
        }
        int protocol = in.readInt();
        long lastZxid = in.readLong();
        int timeout = in.readInt();
        long session = in.readLong();
        int passwordLength = in.readInt();
        if (passwordLength < -1 || passwordLength > PASSWORD_BYTES_MAX || passwordLength > in.readableBytes()) {
            throw new IOException("bad ConnectRequest password length " + passwordLength);
        }
        byte[] password = new byte[Math.max(passwordLength, 0)];
        in.readBytes(password);
        boolean hasReadOnly = in.isReadable();
        boolean readOnly = hasReadOnly && in.readByte() != 0;
        return new ConnectRequestFrame(protocol, lastZxid, timeout, session, password, readOnly, hasReadOnly);
    }
}
