package dev.cachai.engine;

import dev.cachai.engine.auth.AuthStore;
import dev.cachai.engine.command.AuthCommand;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.Compact;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.LeaseCommand;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.ZkReap;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.kv.Change;
import dev.cachai.engine.kv.Entry;
import dev.cachai.engine.kv.KvStore;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.engine.lease.Lease;
import dev.cachai.engine.result.AuthResult;
import dev.cachai.engine.result.CompactResult;
import dev.cachai.engine.result.Failed;
import dev.cachai.engine.result.LeaseGrantResult;
import dev.cachai.engine.result.LeaseRevokeResult;
import dev.cachai.engine.result.RangeResult;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.SessionResult;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.ZkNode;
import dev.cachai.engine.zk.ZkPaths;
import dev.cachai.engine.zk.ZkQuota;
import dev.cachai.engine.zk.ZkStat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The replicated state machine. {@link #apply} is called by one thread, in log order, and is a
 * pure function of the state and the command; reads may come from any thread and see the last
 * fully applied revision.
 */
public final class Engine {
    private final EngineState s = new EngineState();
    private final ChildListCache childLists = new ChildListCache();
    private final EngineLimits limits;
    private final KvApplier kv;
    private final ZkApplier zk;
    private final AuthStore auth = new AuthStore();
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Threads a revision's listeners gave work to before it counts as a wide fan-out. One beside
     * the apply thread fits two cores with a polling thread: a writer with one etcd watcher was
     * 18% slower without polling; with 16 watchers on four event loops it was 17% faster.
     */
    static final int WIDE_FAN_OUT_THREADS_MIN = 2;
    /** Written by the apply thread only; read by threads deciding whether to poll. */
    private volatile long wideFanOuts;

    public Engine() {
        this(EngineLimits.DEFAULTS);
    }

    public Engine(EngineLimits limits) {
        this.limits = limits;
        this.kv = new KvApplier(s, limits);
        this.zk = new ZkApplier(s);
    }

    public EngineLimits limits() { return limits; }

    /** The last applied revision (etcd's header revision, ZooKeeper's last zxid). */
    public long revision() { return s.revision; }

    /** The revision of the last compaction; -1 before the first, as etcd reports it. */
    public long compactRevision() { return s.compactRevision; }

    public void addListener(ChangeListener l) { listeners.add(l); }

    /**
     * How many revisions so far kept several other threads busy telling watchers (at least
     * {@link #WIDE_FAN_OUT_THREADS_MIN} given work). A thread that polls for its next piece of
     * work instead of sleeping (the consensus loop, an event loop awaiting a reply) stops doing so
     * while this moves: those threads need the cores.
     */
    public long wideFanOuts() { return wideFanOuts; }

    public void removeListener(ChangeListener l) { listeners.remove(l); }

    /** Applies one command stamped with the leader's proposal time. */
    public Result apply(long timeMs, Command command) {
        WriteTxn w = new WriteTxn(s, timeMs);
        Result r = dispatch(w, command);
        if (w.wrote()) {
            commit(w);
        } else {
            s.quotas.publish();
        }
        return r;
    }

    private Result dispatch(WriteTxn w, Command command) {
        if (command instanceof Put p) {
            return kv.put(w, p);
        } else if (command instanceof DeleteRange d) {
            return kv.delete(w, d, s.revision);
        } else if (command instanceof Txn t) {
            return kv.txn(w, t);
        } else if (command instanceof Compact c) {
            return compact(c);
        } else if (command instanceof LeaseCommand.Grant g) {
            return leaseGrant(g);
        } else if (command instanceof LeaseCommand.Revoke rv) {
            return leaseRevoke(w, rv);
        } else if (command instanceof LeaseCommand.SessionCreate sc) {
            return sessionCreate(w, sc);
        } else if (command instanceof LeaseCommand.SessionClose sc) {
            return sessionClose(w, sc);
        } else if (command instanceof LeaseCommand.SessionOwner so) {
            return sessionOwner(so);
        } else if (command instanceof ZkTxn t) {
            return zk.txn(w, t);
        } else if (command instanceof ZkReap rp) {
            return zk.reap(w, rp);
        } else if (command instanceof AuthCommand a) {
            return authChange(a);
        }
        throw new IllegalStateException("unknown command " + command.getClass());
    }

    /**
     * Listeners hear of a revision before reads can see it, so a protocol adapter that answers a
     * read at revision R has already queued R's events (ZooKeeper sends events before replies);
     * they hear again once it is visible, still before the writer's own result goes back.
     */
    private void commit(WriteTxn w) {
        s.quotas.publish();
        boolean tell = !w.events().isEmpty() && !listeners.isEmpty();
        if (!w.events().isEmpty()) {
            s.virtualNodes.follow(w.treeChanges());
            s.revisions.record(w.revision, w.events());
            if (tell) {
                Change change = new Change(w.revision, w.timeMs, w.events(), w.treeChanges());
                for (ChangeListener l : listeners) {
                    l.onChange(change);
                }
            }
        }
        s.revision = w.revision;
        if (tell) {
            int threadsGivenWork = 0;
            for (ChangeListener l : listeners) {
                threadsGivenWork += l.onVisible(w.revision);
            }
            if (threadsGivenWork >= WIDE_FAN_OUT_THREADS_MIN) {
                wideFanOuts++;
            }
        }
    }

    private Result compact(Compact c) {
        if (c.revision() <= s.compactRevision) {
            return new Failed(s.revision, EtcdError.COMPACTED);
        }
        if (c.revision() > s.revision) {
            return new Failed(s.revision, EtcdError.FUTURE_REV);
        }
        s.compactRevision = c.revision();
        long floor = Math.min(c.revision(), s.pinnedCompactRevision);
        s.kv.prune(floor);
        s.revisions.pruneThrough(floor - 1);
        return new CompactResult(s.revision);
    }

    private Result leaseGrant(LeaseCommand.Grant g) {
        if (g.id() == 0 || s.leases.exists(g.id())) {
            return new Failed(s.revision, EtcdError.LEASE_EXIST);
        }
        if (g.ttlSeconds() > limits.leaseTtlSecondsMax()) {
            return new Failed(s.revision, EtcdError.LEASE_TTL_TOO_LARGE);
        }
        s.leases.add(new Lease(g.id(), Lease.Kind.ETCD, g.ttlSeconds() * 1000, null));
        return new LeaseGrantResult(s.revision, g.id(), g.ttlSeconds());
    }

    private Result leaseRevoke(WriteTxn w, LeaseCommand.Revoke r) {
        Lease lease = s.leases.get(r.id());
        if (lease == null) {
            return new Failed(s.revision, EtcdError.LEASE_NOT_FOUND);
        }
        deleteLeaseKeys(w, lease);
        s.leases.remove(r.id());
        return new LeaseRevokeResult(w.wrote() ? w.revision : s.revision);
    }

    private void deleteLeaseKeys(WriteTxn w, Lease lease) {
        for (byte[] key : lease.keys()) {
            w.delete(key);
        }
    }

    private Result sessionCreate(WriteTxn w, LeaseCommand.SessionCreate c) {
        if (s.leases.exists(c.sessionId())) {
            return new SessionResult(s.revision, ZkCode.SESSIONEXPIRED);
        }
        w.forceRevision = true;
        s.leases.add(new Lease(c.sessionId(), Lease.Kind.SESSION, c.timeoutMs(), c.password()));
        return new SessionResult(w.revision, ZkCode.OK);
    }

    private Result sessionClose(WriteTxn w, LeaseCommand.SessionClose c) {
        Lease lease = s.leases.get(c.sessionId());
        if (lease == null) {
            return new SessionResult(s.revision, ZkCode.SESSIONEXPIRED);
        }
        w.forceRevision = true;
        deleteLeaseKeys(w, lease);
        s.leases.remove(c.sessionId());
        return new SessionResult(w.revision, ZkCode.OK);
    }

    /** Not a ZooKeeper txn (a revalidation takes no zxid there): no revision. */
    private Result sessionOwner(LeaseCommand.SessionOwner c) {
        Lease lease = s.leases.get(c.sessionId());
        if (lease == null || lease.kind() != Lease.Kind.SESSION) {
            return new SessionResult(s.revision, ZkCode.SESSIONEXPIRED);
        }
        lease.owner(c.owner());
        return new SessionResult(s.revision, ZkCode.OK);
    }

    private Result authChange(AuthCommand a) {
        EtcdError e = auth.apply(a);
        return e == null ? new AuthResult(s.revision, auth.authRevision()) : new Failed(s.revision, e);
    }

    // ---- reads (any thread) ----

    /** etcd Range at the last applied revision, or at {@code r.revision()} when set. */
    public RangeResult range(RangeRequest r) throws EngineException {
        Object out = KvReads.range(s, r, s.revision);
        if (out instanceof EtcdError e) {
            throw new EngineException(e);
        }
        return (RangeResult) out;
    }

    /**
     * The changes of revisions {@code fromRevision} .. the current one, rebuilt from history, at
     * most {@code revisionsMax} revisions (an etcd watch starting in the past reads these, then
     * follows the live stream). Throws COMPACTED when {@code fromRevision} is below the
     * compaction point; the compaction revision itself is still served, as etcd does.
     */
    public List<Change> changesSince(long fromRevision, int revisionsMax) throws EngineException {
        long current = s.revision;
        if (fromRevision < s.compactRevision) {
            throw new EngineException(EtcdError.COMPACTED);
        }
        List<Change> out = new ArrayList<>();
        for (var e : s.revisions.between(fromRevision, current, revisionsMax)) {
            out.add(History.changeAt(s, e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The usage of the quota on {@code quotaPath} (what its stats node reads), or null when not counted. */
    public ZkQuota.Usage zkQuotaUsage(String quotaPath) {
        return s.quotas.published().usage().get(quotaPath);
    }

    /**
     * What the quotas say of creating a node or changing its data at {@code path} now: the check
     * a member enforcing quotas applies to the write (ZooKeeper's checkQuota).
     */
    public ZkQuota.Verdict zkQuotaCheck(String path, long bytesDiff, int countDiff) {
        return QuotaCheck.of(s, path, bytesDiff, countDiff);
    }

    /** A ZooKeeper node (data, Stat, ACL), or null when there is none. */
    public ZkNode zkNode(String path) {
        return ZkView.node(s, path, s.revision);
    }

    /**
     * The ACL a watch event of revision {@code rev} on {@code path} is checked against, as
     * ZooKeeper checks READ before it delivers one: the node's at {@code rev}, or, when that
     * revision deleted it, its last one. Null when neither exists (nothing to hold back).
     */
    public List<Acl> zkAclForEvent(String path, long rev) {
        ZkNode node = ZkView.node(s, path, rev);
        if (node == null) {
            node = ZkView.node(s, path, rev - 1);
        }
        return node == null ? null : node.acl();
    }

    /** Child names of a node in key order, or null when the node does not exist. */
    public List<String> zkChildren(String path) {
        long rev = s.revision;
        ZkNode node = ZkView.node(s, path, rev);
        if (node == null) {
            return null;
        }
        ZkStat stat = node.stat();
        if (stat.czxid() == 0 && !path.equals("/") || changedAfter(path, rev)) {
            // A virtual node has no stored pzxid following its children; a node written after
            // rev shows this reader a stand-in meta (older ones are kept only while a snapshot
            // pins them), so its stat names no listing.
            return ZkView.children(s, path, rev);
        }
        return childLists.children(path, stat.czxid(), stat.pzxid(), stat.numChildren(),
                () -> ZkView.children(s, path, rev));
    }

    /** Whether the node's key or meta was rewritten after {@code rev} (the apply thread is ahead of the reader). */
    private boolean changedAfter(String path, long rev) {
        if (path.equals("/")) {
            return s.rootMeta.revision() > rev;
        }
        Entry e = s.kv.entry(path.getBytes(StandardCharsets.UTF_8));
        return e != null && (e.head().modRevision() > rev || e.meta() != null && e.meta().revision() > rev);
    }

    /** ZooKeeper getAllChildrenNumber: every node below {@code path}. */
    public int zkDescendants(String path) {
        return ZkView.descendants(s, path, s.revision);
    }

    /** The ephemeral nodes of a session whose path starts with {@code prefix} ("/" = all). */
    public List<String> zkEphemerals(long sessionId, String prefix) {
        Lease lease = s.leases.get(sessionId);
        List<String> out = new ArrayList<>();
        if (lease == null) {
            return out;
        }
        for (byte[] key : lease.keys()) {
            String path = Bytes.string(key);
            if (prefix.equals("/") || path.startsWith(prefix)) {
                out.add(path);
            }
        }
        return out;
    }

    public Lease lease(long id) { return s.leases.get(id); }

    public List<Long> leaseIds() { return s.leases.ids(); }

    public AuthStore auth() { return auth; }

    /** The keyspace itself, for this package's tests that check an index against a full scan. */
    KvStore keyspace() { return s.kv; }

    /** Estimated size of the retained history in bytes (etcd's db size, for quotas and Status). */
    public long approxBytes() { return s.kv.retainedBytes(); }

    /** Number of live keys (etcd's key count, also ZooKeeper's node count less the system nodes). */
    public long keyCount() { return s.kv.liveKeys(); }

    /** Key plus value bytes of every live key. */
    public long liveKeyValueBytes() { return s.kv.liveBytes(); }

    /**
     * Paths of container nodes that are empty after having had children, and TTL nodes past
     * their TTL at {@code nowMs}: what the leader proposes to reap. At most {@code max} paths.
     */
    public List<String> zkReapable(long nowMs, int max) {
        List<String> out = new ArrayList<>();
        for (var e : s.kv.reapCandidates()) {
            if (out.size() >= max) {
                break;
            }
            var head = e.head();
            var m = e.meta();
            if (!head.isTombstone() && m != null && m.reapableAt(nowMs, head.mtimeMs(), m.numChildren() == 0)
                    && ZkPaths.isNodeKey(head.key())) {
                out.add(Bytes.string(head.key()));
            }
        }
        return out;
    }

    /**
     * Pins the current revision for a snapshot; call on the apply thread, write the snapshot from
     * any thread, then close it. {@code appliedIndex} is the log position the snapshot covers.
     */
    public EngineSnapshot beginSnapshot(long appliedIndex) {
        return new EngineSnapshot(s, auth, appliedIndex);
    }

    /** etcd HashKV at {@code rev}: all history from the compaction point up to rev. */
    public long hashKv(long rev) { return StateHash.hashKv(s, rev); }

    /** A hash of the whole replicated state; equal on replicas that applied the same log. */
    public long stateHash() { return StateHash.full(s, auth.authRevision()); }

    EngineState state() { return s; }
}
