package dev.cachai.zk.watch;

/** How a connection watches a path (ZooKeeper's data/child one-shot watches and addWatch modes). */
public enum WatchKind { DATA, CHILD, PERSISTENT, RECURSIVE }
