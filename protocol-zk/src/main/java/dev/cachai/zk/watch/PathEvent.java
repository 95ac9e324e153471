package dev.cachai.zk.watch;

/** A ZooKeeper watch event before it is matched to watchers. */
public record PathEvent(int type, String path) {}
