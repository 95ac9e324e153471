package dev.cachai.engine.result;

/** createSession / closeSession applied; {@code err} is a ZooKeeper code (OK or SESSIONEXPIRED). */
public record SessionResult(long revision, int err) implements Result {}
