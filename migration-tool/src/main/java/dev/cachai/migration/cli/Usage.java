package dev.cachai.migration.cli;

/** The help text. */
public final class Usage {
    private Usage() {}

    public static final String TEXT = """
            usage: cachai-migrate migrate SOURCE --target TARGET [options]
                   cachai-migrate verify  SOURCE --target TARGET [options]
                   cachai-migrate migrate SOURCE --target datadir:DIR [--name N | --initial-cluster LIST]

            SOURCE: zk://host:port[/path]      a live ZooKeeper (whole tree, or the subtree at path)
                    etcd://host:port[/prefix]   a live etcd (every key, or the keys starting with prefix)
                    zkdata:DIR                  a ZooKeeper dataDir (snapshot + txn logs), read offline
                    etcd-snapshot:///FILE       an etcd snapshot file, read offline (etcdctl snapshot save,
                                                or a stopped member's member/snap/db)
            TARGET: zk://host:port for ZooKeeper sources, etcd://host:port for etcd sources (a running Cachai)
                    datadir:DIR                 either kind of source, offline: writes a new Cachai node's data
                                                directory (DIR must be absent or empty; it is refused otherwise,
                                                and a failed run removes what it wrote). Start cachai-server
                                                --data-dir DIR with the --name / --initial-cluster given here;
                                                each member of a new cluster starts from a copy of DIR.
                                                Then run verify against the started server.

            options:
              --dry-run                       read the source and report what would be copied; write nothing
              --ephemerals-as-persistent      copy ephemeral nodes as persistent (default: list and skip them)
              --zk-auth digest:user:pass      ZooKeeper auth for the source (and the target, unless overridden)
              --target-zk-auth digest:u:p     ZooKeeper auth for the target
              --etcd-user user:pass           etcd user for the source (and the target, unless overridden)
              --target-etcd-user user:pass    etcd user for the target
              --zk-txnlog-dir DIR             zkdata: the dataLogDir when it differs from DIR
              --connect-timeout-seconds N     give up connecting after N seconds (default 10)
              --name NAME                     datadir: the single node's --name (default: the server's, "default")
              --initial-cluster n1=h:p,...    datadir: the new cluster's members, as given to every server
              --no-progress                   no progress line on stderr

            exit codes: 0 done and clean, 1 differences or skipped data, 2 usage or connection error
            """;
}
