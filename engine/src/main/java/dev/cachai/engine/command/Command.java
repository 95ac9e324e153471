package dev.cachai.engine.command;

/**
 * Every mutation of the replicated state. A command is fully resolved before it enters the log
 * (generated ids, passwords and the proposal time travel with it), so applying it is a pure
 * function of the state and the command.
 */
public sealed interface Command permits KvCommand, LeaseCommand, ZkCommand, AuthCommand {}
