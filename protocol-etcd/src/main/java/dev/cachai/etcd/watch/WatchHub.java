package dev.cachai.etcd.watch;

import dev.cachai.engine.ChangeListener;
import dev.cachai.engine.Engine;
import dev.cachai.engine.kv.Change;

import io.netty.util.concurrent.EventExecutor;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fans committed changes out to watch streams. The engine's apply thread only appends to the
 * history and pokes streams; each stream pulls and sends on its own serial executor (its call's
 * event loop, or the send pool), so a slow client never holds up apply or other clients. The
 * streams of one event loop are poked together (see {@link LoopSignals}).
 */
public final class WatchHub implements ChangeListener, AutoCloseable {
    /** Threads for lock and election observers, and for streams opened off an event loop. */
    static final int SEND_THREADS = 2;

    private final Engine engine;
    private final EventHistory history;
    private final Set<WatchStream> streams = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<Consumer<Change>> observers = new CopyOnWriteArrayList<>();
    /** One per event loop serving watch streams: as many as the transport has loops. */
    private final Map<EventExecutor, LoopSignals<WatchStream>> loopSignals = new ConcurrentHashMap<>();
    private final ExecutorService sendPool;
    private final ScheduledExecutorService ticker;
    /** The change told before it became visible (apply thread only). */
    private Change heard;

    public WatchHub(Engine engine, int historyEventsMax, long progressIntervalMs) {
        this.engine = engine;
        this.history = new EventHistory(historyEventsMax, engine.revision());
        this.sendPool = Executors.newFixedThreadPool(SEND_THREADS, daemon("cachai-etcd-watch"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("cachai-etcd-progress"));
        ticker.scheduleAtFixedRate(this::progressTick, progressIntervalMs, progressIntervalMs, TimeUnit.MILLISECONDS);
        engine.addListener(this);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void onChange(Change change) {
        history.append(change);
        heard = change;
    }

    /**
     * Streams and observers hear of a revision once reads see it: a client told of revision R
     * may read at R at once, and observers re-read the engine (is the lock free now?). Counts the
     * threads given work: each event loop with streams, each send thread with observers.
     */
    @Override
    public int onVisible(long revision) {
        int threadsGivenWork = 0;
        for (WatchStream s : streams) {
            if (s.queueVisible()) {
                threadsGivenWork++;
            }
        }
        for (LoopSignals<WatchStream> loop : loopSignals.values()) {
            if (loop.scheduleQueued()) {
                threadsGivenWork++;
            }
        }
        Change change = heard;
        heard = null;
        if (change != null && change.revision() == revision) {
            for (Consumer<Change> o : observers) {
                execute(() -> o.accept(change));
            }
            threadsGivenWork += Math.min(observers.size(), SEND_THREADS);
        }
        return threadsGivenWork;
    }

    private void execute(Runnable task) {
        try {
            sendPool.execute(task);
        } catch (RejectedExecutionException closing) {
            // the hub is closing
        }
    }

    /** Internal subscribers (lock and election waits); called off the apply thread. */
    public void addObserver(Consumer<Change> observer) {
        observers.add(observer);
    }

    public void removeObserver(Consumer<Change> observer) {
        observers.remove(observer);
    }

    /** Registration and the history's retention change together, so no open stream finds it off. */
    synchronized void register(WatchStream s) {
        streams.add(s);
        history.retain(true);
    }

    synchronized void unregister(WatchStream s) {
        streams.remove(s);
        history.retain(!streams.isEmpty());
    }

    private void progressTick() {
        for (WatchStream s : streams) {
            s.progressTick();
        }
    }

    EventHistory history() {
        return history;
    }

    Engine engine() {
        return engine;
    }

    ExecutorService sendPool() {
        return sendPool;
    }

    /** Where the streams of {@code loop} are signalled, together. */
    LoopSignals<WatchStream> signalsOf(EventExecutor loop) {
        return loopSignals.computeIfAbsent(loop,
                l -> new LoopSignals<>(WatchStream.streamExecutor(l, sendPool), WatchStream::drainLogged));
    }

    /**
     * The newest revision streams may deliver: in the history, so every event at or below it was
     * handed over, and visible to reads, because the engine tells listeners of a revision just
     * before reads see it and a client that hears of revision R may read at R right away.
     */
    long deliverableRevision() {
        return Math.min(history.lastRevision(), engine.revision());
    }

    @Override
    public void close() {
        engine.removeListener(this);
        ticker.shutdownNow();
        sendPool.shutdownNow();
    }
}
