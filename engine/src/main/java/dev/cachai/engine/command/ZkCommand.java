package dev.cachai.engine.command;

/** ZooKeeper mutations. */
public sealed interface ZkCommand extends Command permits ZkTxn, ZkReap {}
