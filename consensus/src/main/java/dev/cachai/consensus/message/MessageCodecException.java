package dev.cachai.consensus.message;

/** Bytes from a peer that are not a valid frame: the connection should be dropped. */
public final class MessageCodecException extends RuntimeException {

    public MessageCodecException(String message) {
        super(message);
    }
}
