package dev.cachai.engine.zk;

/**
 * A change to the ZooKeeper tree that the revision's key events do not show as such, because a
 * path without a key of its own (a virtual node, made by etcd writes) is involved.
 * {@code eventIndex} is the position, in the revision's key events, of the event that caused it.
 *
 * <ul>
 *   <li>{@code APPEARED}: {@code path} has no key and is now a node, because a node key was
 *       created below it (a node created, and a child of its parent).</li>
 *   <li>{@code VANISHED}: {@code path} has no key and no node lives below it any more (a node
 *       deleted, and a child of its parent gone).</li>
 *   <li>{@code BECAME_REAL}: the event created the key of a path that was already a virtual node;
 *       the tree keeps its shape, the node's data and Stat change.</li>
 *   <li>{@code BECAME_VIRTUAL}: the event deleted the key of a node that still has children; the
 *       node stays as a virtual one, its data and Stat change.</li>
 * </ul>
 */
public record ZkTreeChange(Kind kind, String path, int eventIndex) {
    public enum Kind { APPEARED, VANISHED, BECAME_REAL, BECAME_VIRTUAL }
}
