package dev.cachai.server;

import dev.cachai.server.config.ConfigLoader;
import dev.cachai.server.config.ServerConfig;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/** {@code java -jar cachai-server.jar [--data-dir DIR] [--zk-listen HOST:PORT] ...} */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(usage());
            return;
        }
        ServerConfig config;
        try {
            config = ConfigLoader.load(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("cachai: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        sampleNoLeaksUnlessAsked();
        CachaiServer server;
        try {
            server = CachaiServer.start(config);
        } catch (RuntimeException e) {
            LOG.error("cannot start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            server.close();
            stopped.countDown();
        }, "cachai-shutdown"));
        stopped.await();
    }

    /**
     * Netty samples one buffer in 128 for its leak reports, recording a stack trace where the
     * buffer is made and again where it is released: in a watch load that was 1% of the server's
     * CPU spent filling stack traces. A served node turns it off, as services built on Netty do;
     * tests (which start servers without this class) keep it, and an operator who wants the
     * reports sets {@code -Dio.netty.leakDetection.level}.
     */
    static void sampleNoLeaksUnlessAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    static String usage() {
        return """
                usage: java -jar cachai-server.jar [options]
                  --data-dir DIR            where the log and snapshots live (default ./data)
                  --zk-listen HOST:PORT     ZooKeeper clients (default 127.0.0.1:2181)
                  --etcd-listen HOST:PORT   etcd clients, gRPC and HTTP/JSON (default 127.0.0.1:2379)
                  --peer-listen HOST:PORT   cluster peers (default 127.0.0.1:2380)
                  --name NAME               this member's name (default "default")
                  --initial-cluster LIST    cluster members as name=host:peerport,... (this node included);
                                            without it the node runs alone on its single-node log
                  --initial-cluster-state new|existing  bootstrap a new cluster or rejoin a running one
                  --config-file FILE        YAML file with the same keys (data-dir: ..., zk-listen: ...)
                  --zk-tick-time-ms N, --zk-extended-types true|false, --zk-super-digest user:hash,
                  --zk-4lw-whitelist LIST, --zk-max-client-cnxns N (0 = no limit), --etcd-version X.Y.Z
                  --auth-token simple|jwt,pub-key=PATH,priv-key=PATH,sign-method=RS256|...|EdDSA|HS256,ttl=5m
                                            etcd's tokens (default simple); JWTs verify on every member
                Every option can also be set as an environment variable: CACHAI_DATA_DIR, CACHAI_ZK_LISTEN, ...""";
    }
}
