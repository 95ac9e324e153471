package dev.cachai.engine.command;

/** etcd CompactionRequest: drop history below {@code revision}. */
public record Compact(long revision) implements KvCommand {}
