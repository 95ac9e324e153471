package dev.cachai.engine.zk;

/** ZooKeeper's CreateMode, with the wire flag values ZooKeeper uses. */
public enum NodeKind {
    PERSISTENT(0, false, false),
    EPHEMERAL(1, true, false),
    PERSISTENT_SEQUENTIAL(2, false, true),
    EPHEMERAL_SEQUENTIAL(3, true, true),
    CONTAINER(4, false, false),
    PERSISTENT_WITH_TTL(5, false, false),
    PERSISTENT_SEQUENTIAL_WITH_TTL(6, false, true);

    private final int flag;
    private final boolean ephemeral;
    private final boolean sequential;

    NodeKind(int flag, boolean ephemeral, boolean sequential) {
        this.flag = flag;
        this.ephemeral = ephemeral;
        this.sequential = sequential;
    }

    public int flag() { return flag; }
    public boolean isEphemeral() { return ephemeral; }
    public boolean isSequential() { return sequential; }
    public boolean isContainer() { return this == CONTAINER; }
    public boolean isTtl() { return this == PERSISTENT_WITH_TTL || this == PERSISTENT_SEQUENTIAL_WITH_TTL; }

    /** The kind a node keeps once created: the sequential flag only shapes its name. */
    public NodeKind stored() {
        return switch (this) {
            case PERSISTENT_SEQUENTIAL -> PERSISTENT;
            case EPHEMERAL_SEQUENTIAL -> EPHEMERAL;
            case PERSISTENT_SEQUENTIAL_WITH_TTL -> PERSISTENT_WITH_TTL;
            default -> this;
        };
    }

    /** The mode for a wire flag, or null when the flag is unknown (ZooKeeper answers BADARGUMENTS). */
    public static NodeKind fromFlag(int flag) {
        for (NodeKind k : values()) {
            if (k.flag == flag) {
                return k;
            }
        }
        return null;
    }
}
