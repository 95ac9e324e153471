package dev.cachai.consensus;

/**
 * A linearizable read is allowed: the state machine, once applied up to {@code index}, reflects
 * every write chosen before the read was requested. {@code context} is the caller's request id.
 */
public record ReadState(long index, byte[] context) {
}
