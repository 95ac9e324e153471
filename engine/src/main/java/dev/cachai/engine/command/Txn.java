package dev.cachai.engine.command;

import java.util.List;

/** etcd TxnRequest: if every compare holds, run {@code success}, else {@code failure}; one revision. */
public record Txn(List<Compare> compares, List<TxnOp> success, List<TxnOp> failure) implements KvCommand {
    public Txn {
        compares = List.copyOf(compares);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
    }
}
