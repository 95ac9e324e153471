package dev.cachai.etcd;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.Engine;
import dev.cachai.etcd.auth.AuthGuard;
import dev.cachai.etcd.maintenance.Alarms;
import dev.cachai.etcd.metrics.EtcdMetrics;
import dev.cachai.etcd.support.Headers;
import dev.cachai.etcd.watch.WatchHub;

/** What every etcd service needs: the gateway to propose through, headers, auth, alarms, watches, metrics. */
public record EtcdContext(EtcdServerConfig config, CommandGateway gateway, Headers headers, AuthGuard auth,
                          Alarms alarms, WatchHub watches, EtcdMetrics metrics) {
    public Engine engine() {
        return gateway.engine();
    }
}
