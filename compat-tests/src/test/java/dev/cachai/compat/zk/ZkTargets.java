package dev.cachai.compat.zk;

import dev.cachai.compat.FreePorts;
import dev.cachai.server.CachaiServer;
import dev.cachai.zk.DigestAuth;
import dev.cachai.server.config.ServerConfig;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The servers a ZooKeeper compatibility test runs against: Cachai and a real ZooKeeper 3.9.5 (the oracle). */
final class ZkTargets {
    /** Credentials of the super user both servers are configured with. */
    static final String SUPER_CREDENTIALS = "super:superpw";
    static final int TICK_TIME_MS_DEFAULT = 2000;
    private static final String SUPER_DIGEST = DigestAuth.idFor(SUPER_CREDENTIALS);

    static {
        // ZooKeeper reads these once, when its classes load: set before any server starts.
        System.setProperty("zookeeper.DigestAuthenticationProvider.superDigest", SUPER_DIGEST);
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        System.setProperty("zookeeper.admin.enableServer", "false");
    }

    private ZkTargets() {}

    interface Target extends AutoCloseable {
        String connectString();

        String name();

        @Override
        void close();
    }

    static Target cachai() throws Exception {
        return cachai(TICK_TIME_MS_DEFAULT);
    }

    static Target cachai(int tickTimeMs) throws Exception {
        Path dir = Files.createTempDirectory("cachai-zk");
        ServerConfig d = ServerConfig.ephemeral(dir);
        ServerConfig config = new ServerConfig(d.name(), dir, d.zkListen(), d.etcdListen(), d.peerListen(), tickTimeMs,
                d.etcdVersion(), true, SUPER_DIGEST, "*", d.initialCluster());
        CachaiServer server = CachaiServer.start(config);
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
        return realZooKeeper(TICK_TIME_MS_DEFAULT);
    }

    static Target realZooKeeper(int tickTimeMs) throws Exception {
        Path dir = Files.createTempDirectory("real-zk");
        ZooKeeperServer zks = new ZooKeeperServer(dir.toFile(), dir.toFile(), tickTimeMs);
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
