package dev.cachai.engine.command;

/** etcd KV mutations. */
public sealed interface KvCommand extends Command permits Put, DeleteRange, Txn, Compact {}
