package dev.cachai.engine.command;

import dev.cachai.engine.kv.RangeRequest;

/** One operation of an etcd Txn branch (etcd's RequestOp). */
public sealed interface TxnOp {
    record RangeOp(RangeRequest range) implements TxnOp {}
    record PutOp(Put put) implements TxnOp {}
    record DeleteOp(DeleteRange delete) implements TxnOp {}
    record TxnOpNested(Txn txn) implements TxnOp {}
    /** A RequestOp carrying no request: etcd refuses the txn ("key not found") before running it. */
    record EmptyOp() implements TxnOp {}
}
