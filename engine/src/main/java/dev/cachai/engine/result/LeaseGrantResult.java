package dev.cachai.engine.result;

public record LeaseGrantResult(long revision, long id, long ttlSeconds) implements Result {}
