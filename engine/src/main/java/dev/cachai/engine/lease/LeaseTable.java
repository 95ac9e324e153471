package dev.cachai.engine.lease;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** All live leases and sessions, with the keys attached to each. */
public final class LeaseTable {
    private final ConcurrentHashMap<Long, Lease> leases = new ConcurrentHashMap<>();

    public Lease get(long id) {
        return leases.get(id);
    }

    public boolean exists(long id) {
        return leases.containsKey(id);
    }

    public void add(Lease lease) {
        if (leases.putIfAbsent(lease.id(), lease) != null) {
            throw new IllegalStateException("lease " + lease.id() + " exists");
        }
    }

    public Lease remove(long id) {
        return leases.remove(id);
    }

    /** Moves {@code key} from one lease to another (either may be 0, meaning none). */
    public void reattach(byte[] key, long fromLease, long toLease) {
        if (fromLease == toLease) {
            return;
        }
        Lease from = fromLease == 0 ? null : leases.get(fromLease);
        if (from != null) {
            from.detach(key);
        }
        Lease to = toLease == 0 ? null : leases.get(toLease);
        if (to != null) {
            to.attach(key);
        }
    }

    public Collection<Lease> all() {
        return leases.values();
    }

    public List<Long> ids() {
        List<Long> ids = new ArrayList<>(leases.keySet());
        ids.sort(Long::compare);
        return ids;
    }

    public int size() {
        return leases.size();
    }

    public void clear() {
        leases.clear();
    }
}
