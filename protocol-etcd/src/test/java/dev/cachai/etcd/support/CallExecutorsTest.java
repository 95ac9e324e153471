package dev.cachai.etcd.support;

import dev.cachai.etcd.proto.etcdserverpb.AuthGrpc;
import dev.cachai.etcd.proto.etcdserverpb.ClusterGrpc;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrpc;
import dev.cachai.etcd.proto.etcdserverpb.MaintenanceGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.v3electionpb.ElectionGrpc;
import dev.cachai.etcd.proto.v3lockpb.LockGrpc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallExecutorsTest {
    @Test
    void onlyTheNonBlockingServicesRunOnTheEventLoop() {
        assertThat(CallExecutors.runsOnEventLoop(KVGrpc.SERVICE_NAME)).isTrue();
        assertThat(CallExecutors.runsOnEventLoop(WatchGrpc.SERVICE_NAME)).isTrue();
        assertThat(CallExecutors.runsOnEventLoop(LeaseGrpc.SERVICE_NAME)).isTrue();
        for (String blocking : new String[] {AuthGrpc.SERVICE_NAME, MaintenanceGrpc.SERVICE_NAME,
                ClusterGrpc.SERVICE_NAME, LockGrpc.SERVICE_NAME, ElectionGrpc.SERVICE_NAME}) {
            assertThat(CallExecutors.runsOnEventLoop(blocking)).as(blocking).isFalse();
        }
    }
}
