package dev.cachai.compat.zk;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A test class that runs against Cachai and a real ZooKeeper 3.9.5, both started once for the class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BothTargets {
    protected ZkTargets.Target cachai;
    protected ZkTargets.Target real;

    @BeforeAll
    void startBoth() throws Exception {
        cachai = startCachai();
        real = startReal();
    }

    /** Cachai as this class needs it (the default configuration unless overridden). */
    protected ZkTargets.Target startCachai() throws Exception {
        return ZkTargets.cachai();
    }

    /** The real ZooKeeper as this class needs it (in-process unless overridden). */
    protected ZkTargets.Target startReal() throws Exception {
        return ZkTargets.realZooKeeper();
    }

    @AfterAll
    void stopBoth() {
        cachai.close();
        real.close();
    }
}
