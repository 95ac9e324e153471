package dev.cachai.server.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code --initial-cluster name=host:port,...} list. Node ids are derived from member names
 * (a 31-bit FNV-1a hash), so every node computes the same id for a member whatever the order of
 * the list, and a restarted node keeps its id.
 *
 * @param members  every member, this node included; empty means "a single-member cluster of itself"
 * @param existing {@code --initial-cluster-state existing}: the cluster already runs (a restarted
 *                 or replaced node); {@code new} bootstraps it
 */
public record InitialCluster(List<ClusterMember> members, boolean existing) {
    /** etcd's limit on cluster size keeps quorums small; ours is the consensus module's. */
    public static final int MEMBERS_MAX = 64;

    public static final InitialCluster NONE = new InitialCluster(List.of(), false);

    public InitialCluster {
        members = List.copyOf(members);
        if (members.size() > MEMBERS_MAX) {
            throw new IllegalArgumentException("initial cluster above " + MEMBERS_MAX + " members");
        }
        Set<Integer> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (ClusterMember m : members) {
            if (!names.add(m.name())) {
                throw new IllegalArgumentException("member name '" + m.name() + "' appears twice in the initial cluster");
            }
            if (!ids.add(m.id())) {
                throw new IllegalArgumentException("member names in the initial cluster hash to the same id; rename one");
            }
        }
    }

    public static InitialCluster parse(String list, String state) {
        boolean existing = parseState(state);
        if (list == null || list.isBlank()) {
            return new InitialCluster(List.of(), existing);
        }
        List<ClusterMember> members = new ArrayList<>();
        for (String item : list.split(",")) {
            String s = item.trim();
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new IllegalArgumentException("initial-cluster expects name=host:port,..., got '" + s + "'");
            }
            String name = s.substring(0, eq).trim();
            members.add(new ClusterMember(name, nodeIdOf(name), HostPort.parse(s.substring(eq + 1))));
        }
        return new InitialCluster(members, existing);
    }

    private static boolean parseState(String state) {
        String s = state == null ? "new" : state.trim().toLowerCase(Locale.ROOT);
        if (s.equals("new")) {
            return false;
        }
        if (s.equals("existing")) {
            return true;
        }
        throw new IllegalArgumentException("initial-cluster-state must be new or existing, got '" + state + "'");
    }

    /** A stable, positive node id for a member name (0 means "no leader" to the consensus core). */
    public static int nodeIdOf(String name) {
        int hash = 0x811c9dc5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        int id = hash & 0x7fffffff;
        return id == 0 ? 1 : id;
    }

    /**
     * Names the cluster: members of different clusters refuse each other's connections, and
     * etcd clients see one cluster id in every response header. Derived from the member names
     * only, so moving a member to a new address keeps it.
     */
    public long clusterId() {
        List<String> names = new ArrayList<>(members.stream().map(ClusterMember::name).toList());
        names.sort(null);
        long hash = 0xcbf29ce484222325L;
        for (byte b : String.join(",", names).getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash & Long.MAX_VALUE;
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** This node's entry; the list must name it. */
    public ClusterMember self(String name) {
        for (ClusterMember m : members) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("initial-cluster does not name this node ('" + name + "')");
    }
}
