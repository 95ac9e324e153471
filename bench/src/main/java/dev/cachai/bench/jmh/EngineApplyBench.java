package dev.cachai.bench.jmh;

import dev.cachai.engine.Engine;
import dev.cachai.engine.ZkCode;
import dev.cachai.engine.command.Compact;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.command.ZkOp;
import dev.cachai.engine.command.ZkTxn;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.result.ZkTxnResult;
import dev.cachai.engine.zk.Acl;
import dev.cachai.engine.zk.NodeKind;
import dev.cachai.engine.zk.ZkIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Single-threaded {@code Engine.apply} throughput, the ceiling of the replicated write path
 * (target: >= 1,000,000 puts/s). Puts overwrite a preloaded 1M-key space; since the engine keeps
 * MVCC history, each pass over the key space ends with a Compact, whose cost is included.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class EngineApplyBench {
    static final int KEYS = 1_000_000;
    static final ZkIdentity WHO = ZkIdentity.ANONYMOUS;

    @State(Scope.Thread)
    public static class PutState {
        @Param("256")
        int valueBytes;

        Engine engine;
        byte[][] keys;
        byte[] value;
        int next;
        long timeMs;

        @Setup(Level.Trial)
        public void setUp() {
            engine = new Engine();
            value = new byte[valueBytes];
            keys = new byte[KEYS][];
            for (int i = 0; i < KEYS; i++) {
                keys[i] = ("/bench/k" + i).getBytes(StandardCharsets.UTF_8);
                engine.apply(timeMs++, Put.of(keys[i], value));
            }
            compact(this);
        }
    }

    @State(Scope.Thread)
    public static class ZkCreateState {
        String[] paths;
        Engine engine;
        int next;
        long timeMs;

        @Setup(Level.Trial)
        public void setUp() {
            paths = new String[KEYS];
            for (int i = 0; i < KEYS; i++) {
                paths[i] = "/bench/n" + i;
            }
        }

        /** A fresh tree per iteration (and per million creates) so every create makes a new node. */
        @Setup(Level.Iteration)
        public void freshEngine() {
            engine = zkEngineWithParent();
            next = 0;
        }
    }

    @State(Scope.Thread)
    public static class ZkSetDataState {
        String[] paths;
        Engine engine;
        byte[] data = new byte[256];
        int next;
        long timeMs;

        @Setup(Level.Trial)
        public void setUp() {
            engine = zkEngineWithParent();
            paths = new String[KEYS];
            for (int i = 0; i < KEYS; i++) {
                paths[i] = "/bench/n" + i;
                check(engine.apply(timeMs++, create(paths[i], data)));
            }
        }
    }

    @Benchmark
    public Result put(PutState s) {
        if (s.next == KEYS) {
            s.next = 0;
            compact(s);
        }
        return s.engine.apply(s.timeMs++, Put.of(s.keys[s.next++], s.value));
    }

    @Benchmark
    public Result zkCreate(ZkCreateState s) {
        if (s.next == KEYS) {
            s.freshEngine();
        }
        return check(s.engine.apply(s.timeMs++, create(s.paths[s.next++], new byte[256])));
    }

    @Benchmark
    public Result zkSetData(ZkSetDataState s) {
        if (s.next == KEYS) {
            s.next = 0;
            s.engine.apply(s.timeMs, new Compact(s.engine.revision()));
        }
        ZkOp set = new ZkOp.SetData(s.paths[s.next++], s.data, -1);
        return check(s.engine.apply(s.timeMs++, ZkTxn.single(0, WHO, set)));
    }

    static void compact(PutState s) {
        s.engine.apply(s.timeMs, new Compact(s.engine.revision()));
    }

    static ZkTxn create(String path, byte[] data) {
        return ZkTxn.single(0, WHO, new ZkOp.Create(path, data, Acl.OPEN_ACL_UNSAFE, NodeKind.PERSISTENT, 0));
    }

    static Engine zkEngineWithParent() {
        Engine engine = new Engine();
        check(engine.apply(0, create("/bench", new byte[0])));
        return engine;
    }

    /** A benchmark that silently measured failures would be meaningless: fail loudly instead. */
    static Result check(Result r) {
        if (r instanceof ZkTxnResult z && z.err() != ZkCode.OK) {
            throw new IllegalStateException("ZooKeeper op failed with code " + z.err());
        }
        return r;
    }
}
