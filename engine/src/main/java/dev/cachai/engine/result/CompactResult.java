package dev.cachai.engine.result;

public record CompactResult(long revision) implements Result {}
