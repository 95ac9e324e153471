package dev.cachai.bench;

import dev.cachai.bench.load.Endpoints;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** Tests of the load clients run against a single Cachai node of their own, on free ports. */
public abstract class OwnNode {
    @TempDir
    static Path dataDir;
    private static CachaiServer node;

    @BeforeAll
    static void startNode() {
        node = CachaiServer.start(ServerConfig.ephemeral(dataDir));
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    /** Where the node serves both protocols. */
    protected static Endpoints target() {
        return new Endpoints("cachai", List.of("127.0.0.1:" + node.etcdPort()), List.of("127.0.0.1:" + node.zkPort()));
    }
}
