package dev.cachai.engine.result;

import java.util.List;

/** etcd TxnResponse: one response per op of the branch taken (Range, Put, Delete or nested Txn results). */
public record TxnResult(long revision, boolean succeeded, List<Result> responses) implements Result {}
