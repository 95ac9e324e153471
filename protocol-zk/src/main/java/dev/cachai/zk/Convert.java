package dev.cachai.zk;

import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkStat;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.List;

/** Engine records to jute records and back. */
final class Convert {
    private Convert() {}

    static Stat stat(ZkStat s) {
        return new Stat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(), s.cversion(), s.aversion(),
                s.ephemeralOwner(), s.dataLength(), s.numChildren(), s.pzxid());
    }

    static List<ACL> toJute(List<Acl> acl) {
        List<ACL> out = new ArrayList<>(acl.size());
        for (Acl a : acl) {
            out.add(new ACL(a.perms(), new Id(a.scheme(), a.id())));
        }
        return out;
    }

    /** A request's ACL list; null becomes empty, which the engine answers with INVALIDACL as ZooKeeper does. */
    static List<Acl> fromJute(List<ACL> acl) {
        List<Acl> out = new ArrayList<>();
        if (acl == null) {
            return out;
        }
        for (ACL a : acl) {
            Id id = a.getId();
            out.add(new Acl(a.getPerms(), id == null || id.getScheme() == null ? "" : id.getScheme(),
                    id == null || id.getId() == null ? "" : id.getId()));
        }
        return out;
    }
}
