package dev.cachai.engine.result;

import dev.cachai.engine.kv.KeyValue;

import java.util.List;

/** etcd DeleteRangeResponse. */
public record DeleteResult(long revision, long deleted, List<KeyValue> prevKvs) implements Result {}
