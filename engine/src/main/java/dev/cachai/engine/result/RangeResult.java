package dev.cachai.engine.result;

import dev.cachai.engine.kv.KeyValue;

import java.util.List;

/** etcd RangeResponse; {@code kvs} have empty values when keys_only was asked. */
public record RangeResult(long revision, List<KeyValue> kvs, boolean more, long count) implements Result {}
