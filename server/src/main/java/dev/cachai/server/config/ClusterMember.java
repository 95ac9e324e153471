package dev.cachai.server.config;

/** One member of the initial cluster: its name, the node id derived from it, its peer address. */
public record ClusterMember(String name, int id, HostPort peer) {
    public ClusterMember {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("member name must not be empty");
        }
        if (id <= 0) {
            throw new IllegalArgumentException("member id must be positive: " + id);
        }
    }
}
