package dev.cachai.consensus.wal;

import java.io.IOException;

/** A record before the tail fails its checksum: this is damage, not an interrupted write. */
public final class WalCorruptionException extends IOException {

    public WalCorruptionException(String message) {
        super(message);
    }
}
