package dev.cachai.engine.command;

/**
 * The leader's cleanup of an empty container node or an expired TTL node (ZooKeeper's
 * deleteContainer). Apply re-checks that the node still qualifies, so a stale proposal is harmless.
 */
public record ZkReap(String path) implements ZkCommand {}
