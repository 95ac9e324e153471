package dev.cachai.engine.zk;

import java.util.List;

/** A node as a ZooKeeper read returns it: data (null when ZooKeeper stored null), Stat and ACL. */
public record ZkNode(String path, byte[] data, ZkStat stat, List<Acl> acl) {}
