package dev.cachai.engine.result;

import dev.cachai.engine.kv.KeyValue;

/** etcd PutResponse; {@code prevKv} is null when the key did not exist. */
public record PutResult(long revision, KeyValue prevKv) implements Result {}
