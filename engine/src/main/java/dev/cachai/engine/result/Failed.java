package dev.cachai.engine.result;

import dev.cachai.engine.EtcdError;

/** The command was refused with one of etcd's errors and changed nothing. */
public record Failed(long revision, EtcdError error) implements Result {}
