package dev.cachai.etcd.gateway;

import dev.cachai.etcd.EtcdContext;

/** The few etcd Prometheus gauges that health checkers and dashboards look for. */
final class Metrics {
    private Metrics() {}

    static String render(EtcdContext ctx) {
        return "# TYPE etcd_server_has_leader gauge\netcd_server_has_leader 1\n"
                + "# TYPE etcd_server_is_leader gauge\netcd_server_is_leader 1\n"
                + "# TYPE etcd_mvcc_db_total_size_in_bytes gauge\netcd_mvcc_db_total_size_in_bytes "
                + ctx.alarms().dbBytes() + "\n"
                + "# TYPE etcd_debugging_mvcc_current_revision gauge\netcd_debugging_mvcc_current_revision "
                + ctx.engine().revision() + "\n"
                + "# TYPE etcd_debugging_mvcc_compact_revision gauge\netcd_debugging_mvcc_compact_revision "
                + ctx.engine().compactRevision() + "\n"
                + "# TYPE etcd_server_version gauge\netcd_server_version{server_version=\""
                + ctx.config().version() + "\"} 1\n";
    }
}
