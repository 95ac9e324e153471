package dev.cachai.migration.datadir;

import dev.cachai.consensus.Membership;
import dev.cachai.migration.MigrationException;
import dev.cachai.server.cluster.ClusterBoot;
import dev.cachai.server.config.ClusterMember;
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * The members a bootstrapped data directory is written for, named as the server is started: {@code --name} alone
 * (one node; the server's default name when absent) or {@code --initial-cluster name=host:port,...} (every member
 * of a new cluster starts from a copy). The voters come from the server's own rules ({@link ClusterBoot}), so the
 * membership in the log is the one each member would have chosen at its first start.
 *
 * @param config        the server options these members start with (data dir and ports are not used)
 * @param clusterOption the {@code --initial-cluster} text as given, or null for a single node
 */
public record ClusterIdentity(ServerConfig config, String clusterOption) {

    public static ClusterIdentity of(String name, String initialCluster) {
        try {
            InitialCluster members = InitialCluster.parse(initialCluster, "new");
            ServerConfig d = ServerConfig.defaults();
            // With a member list any member's name will do: they all start from the same membership.
            String self = name != null ? name : members.isEmpty() ? d.name() : members.members().get(0).name();
            ServerConfig config = new ServerConfig(self, d.dataDir(), d.zkListen(), d.etcdListen(), d.peerListen(),
                    d.zkTickTimeMs(), d.etcdVersion(), d.zkExtendedTypes(), d.zkSuperDigest(), d.zk4lwWhitelist(),
                    members);
            return new ClusterIdentity(config, members.isEmpty() ? null : initialCluster);
        } catch (IllegalArgumentException e) {
            throw new MigrationException("bad cluster for the data dir: " + e.getMessage());
        }
    }

    /** The voters of the new cluster: every listed member, or the single node named. */
    public Set<Integer> voterIds() {
        return ClusterBoot.effectiveCluster(config).members().stream().map(ClusterMember::id).collect(Collectors.toSet());
    }

    /** What a new cluster of these members starts with (no member records yet: members publish their own). */
    public Membership membership() {
        return Membership.ofVoters(voterIds());
    }

    /** How the server must be started on the directory (or on each member's copy of it). */
    public String startHint(String dataDir) {
        if (clusterOption == null) {
            return "start it with: cachai-server --data-dir " + dataDir + " --name " + config.name();
        }
        return "start each member on a copy of it with: cachai-server --data-dir <copy> --name <member> --initial-cluster "
                + clusterOption + " (members " + ClusterBoot.effectiveCluster(config).members().stream()
                .map(ClusterMember::name).collect(Collectors.joining(", ")) + ")";
    }
}
