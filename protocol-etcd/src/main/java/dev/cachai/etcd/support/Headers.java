package dev.cachai.etcd.support;

import dev.cachai.engine.Engine;
import dev.cachai.etcd.EtcdServerConfig;
import dev.cachai.etcd.proto.etcdserverpb.ResponseHeader;

/** Builds etcd's ResponseHeader: cluster and member ids, revision and raft term. */
public final class Headers {
    /** A fresh single etcd member reports term 2 (one election at boot); clients only display it. */
    public static final long RAFT_TERM = 2;

    private final EtcdServerConfig config;
    private final Engine engine;

    public Headers(EtcdServerConfig config, Engine engine) {
        this.config = config;
        this.engine = engine;
    }

    /** A header at the engine's current revision. */
    public ResponseHeader now() {
        return at(engine.revision());
    }

    public ResponseHeader at(long revision) {
        return ResponseHeader.newBuilder().setClusterId(config.clusterId()).setMemberId(config.memberId())
                .setRevision(revision).setRaftTerm(RAFT_TERM).build();
    }

    /** The Cluster service's header: etcd builds it from membership alone, so it carries no revision. */
    public ResponseHeader membership() {
        return ResponseHeader.newBuilder().setClusterId(config.clusterId()).setMemberId(config.memberId())
                .setRaftTerm(RAFT_TERM).build();
    }

    /** Headers of responses nested in a Txn carry only the revision, as etcd's apply layer leaves them. */
    public static ResponseHeader inner(long revision) {
        return ResponseHeader.newBuilder().setRevision(revision).build();
    }

    public EtcdServerConfig config() {
        return config;
    }

    public Engine engine() {
        return engine;
    }
}
