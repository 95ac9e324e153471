package dev.cachai.engine.result;

/** What applying a command (or running a read) produced. */
public sealed interface Result
        permits Failed, PutResult, DeleteResult, TxnResult, RangeResult, CompactResult,
                LeaseGrantResult, LeaseRevokeResult, ZkTxnResult, SessionResult, AuthResult {
    /** The store revision after the command (etcd's header revision; ZooKeeper's zxid). */
    long revision();
}
