package dev.cachai.migration.datadir;

import dev.cachai.engine.Engine;
import dev.cachai.engine.EngineLimits;
import dev.cachai.engine.EngineSnapshot;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.Compact;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.zk.ZkNode;

/**
 * The engine a new data directory is built in, in memory: the sources apply the commands the live copy would send
 * through a server, without consensus or client round trips. Calls are serialised because a live source hands
 * nodes over on its client's event thread and the counters are aligned from the caller's.
 */
public final class BootstrapEngine {
    private final Engine engine = new Engine(EngineLimits.DEFAULTS);
    /** The proposal time of commands the source gives no time for (etcd has none). */
    private final long startedMs = System.currentTimeMillis();

    public synchronized Result apply(long timeMs, Command command) {
        return engine.apply(timeMs, command);
    }

    public Result apply(Command command) {
        return apply(startedMs, command);
    }

    /** When this build began: the time of commands without a time of their own. */
    public long startedMs() {
        return startedMs;
    }

    public synchronized ZkNode zkNode(String path) {
        return engine.zkNode(path);
    }

    public synchronized long keyCount() {
        return engine.keyCount();
    }

    public synchronized long revision() {
        return engine.revision();
    }

    /**
     * Compacts at the last revision, so the counters' throwaway children and other build steps leave no history
     * (a new cluster has none to offer a watch), then pins the state for a snapshot covering {@code index}.
     */
    synchronized EngineSnapshot snapshot(long index) {
        if (engine.revision() > engine.compactRevision()) {
            engine.apply(startedMs, new Compact(engine.revision()));
        }
        return engine.beginSnapshot(index);
    }
}
