package dev.cachai.compat.zk;

import dev.cachai.compat.FreePorts;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The servers a ZooKeeper compatibility test runs against: Cachai and a real ZooKeeper 3.9.5 (the oracle). */
final class ZkTargets {
    private ZkTargets() {}

    interface Target extends AutoCloseable {
        String connectString();

        String name();

        @Override
        void close();
    }

    static Target cachai() throws Exception {
        Path dir = Files.createTempDirectory("cachai-zk");
        CachaiServer server = CachaiServer.start(ServerConfig.ephemeral(dir));
        return new Target() {
            public String connectString() {
                return "127.0.0.1:" + server.zkPort();
            }

            public String name() {
                return "cachai";
            }

            public void close() {
                server.close();
            }
        };
    }

    static Target realZooKeeper() throws Exception {
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        System.setProperty("zookeeper.admin.enableServer", "false");
        Path dir = Files.createTempDirectory("real-zk");
        ZooKeeperServer zks = new ZooKeeperServer(dir.toFile(), dir.toFile(), 2000);
        ServerCnxnFactory factory = ServerCnxnFactory.createFactory();
        factory.configure(new InetSocketAddress("127.0.0.1", FreePorts.next()), 100);
        factory.startup(zks);
        return new Target() {
            public String connectString() {
                return "127.0.0.1:" + factory.getLocalPort();
            }

            public String name() {
                return "zookeeper";
            }

            public void close() {
                factory.shutdown();
                zks.shutdown();
            }
        };
    }
}
