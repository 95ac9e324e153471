package dev.cachai.migration.zk;

import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One node as read from a source: what must be copied, plus the parent-side counter for sequential children and the
 * time of its last change (a TTL node expires that long after it).
 */
public record ZkNode(String path, byte[] data, List<ACL> acl, NodeKind kind, long ttlMs, int cversion, int numChildren,
                     long mtimeMs) {
    public static ZkNode of(String path, byte[] data, List<ACL> acl, Stat stat) {
        long owner = stat.getEphemeralOwner();
        return new ZkNode(path, data == null ? new byte[0] : data, acl, NodeKind.of(owner), NodeKind.ttlMs(owner),
                stat.getCversion(), stat.getNumChildren(), stat.getMtime());
    }

    /** The same node as it should look in the target: ephemerals become persistent when the operator asked for it. */
    public ZkNode asPersistent() {
        return new ZkNode(path, data, acl, NodeKind.PERSISTENT, 0, cversion, numChildren, mtimeMs);
    }

    /**
     * CRC32 over data, ACL and the kind a client can see: what {@code verify} compares. ZooKeeper's
     * client API shows containers and TTL nodes with ephemeralOwner 0, so through it they look
     * persistent; comparing more would report a difference on every correctly copied container.
     */
    public long digest() {
        CRC32 crc = new CRC32();
        crc.update(data);
        crc.update(aclText(acl).getBytes(StandardCharsets.UTF_8));
        NodeKind visible = kind == NodeKind.EPHEMERAL ? NodeKind.EPHEMERAL : NodeKind.PERSISTENT;
        crc.update(visible.name().getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** ACL entries in a canonical text form, order kept (ZooKeeper keeps and returns them in order). */
    public static String aclText(List<ACL> acl) {
        StringBuilder sb = new StringBuilder();
        for (ACL a : acl) {
            sb.append(a.getId().getScheme()).append(':').append(a.getId().getId()).append(':').append(a.getPerms())
                    .append(';');
        }
        return sb.toString();
    }

    /** Rough request size on the wire: what the target's packet limit (jute.maxbuffer) is checked against. */
    public int requestBytes() {
        int bytes = data.length + path.length() * 3 + 64;
        for (ACL a : acl) {
            bytes += a.getId().getScheme().length() + a.getId().getId().length() * 3 + 16;
        }
        return bytes;
    }
}
