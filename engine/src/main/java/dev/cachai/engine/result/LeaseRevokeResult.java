package dev.cachai.engine.result;

public record LeaseRevokeResult(long revision) implements Result {}
