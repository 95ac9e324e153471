package dev.cachai.zk.watch;

import dev.cachai.engine.Engine;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.DeleteRange;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.kv.Change;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The watch events one revision's key events and tree changes turn into. */
class ChangeDispatcherTest {
    /** Every node open to every connection: these tests are about ordering, not ACLs. */
    private static final ChangeDispatcher.EventAcls ANYONE_READS = (path, revision) -> null;

    private final Engine engine = new Engine();
    private final List<Change> changes = new ArrayList<>();

    ChangeDispatcherTest() {
        engine.addListener(changes::add);
    }

    private List<String> eventsOf(Command c) {
        changes.clear();
        engine.apply(1_000, c);
        assertThat(changes).hasSize(1);
        List<String> out = new ArrayList<>();
        ChangeDispatcher.toPathEvents(changes.get(0)).forEach(e -> out.add(name(e.type()) + " " + e.path()));
        return out;
    }

    private static String name(int type) {
        return List.of("?", "created", "deleted", "data", "children").get(type);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void virtualNodesFireAsTheyAppearAndVanish() {
        engine.apply(1_000, Put.of(bytes("/a"), bytes("")));
        assertThat(eventsOf(Put.of(bytes("/a/b/c/d"), bytes("x")))).containsExactly("created /a/b/c/d",
                "children /a/b/c", "created /a/b/c", "children /a/b", "created /a/b", "children /a");
        assertThat(eventsOf(Put.of(bytes("/a/b/e"), bytes("x")))).containsExactly("created /a/b/e", "children /a/b");
        assertThat(eventsOf(DeleteRange.of(bytes("/a/b/c/d")))).containsExactly("deleted /a/b/c/d",
                "children /a/b/c", "deleted /a/b/c", "children /a/b");
    }

    @Test
    void theRootsDataAndTheBuiltInNodesDataChangeButTheirStoringIsNoEvent() {
        assertThat(eventsOf(Put.of(bytes("/"), bytes("root data")))).containsExactly("data /");
        assertThat(eventsOf(DeleteRange.of(bytes("/")))).as("an etcd delete empties it").containsExactly("data /");
        assertThat(eventsOf(Put.of(bytes("/zookeeper"), bytes("")))).as("stored").isEmpty();
        assertThat(eventsOf(Put.of(bytes("/zookeeper"), bytes("set")))).containsExactly("data /zookeeper");
        assertThat(eventsOf(Put.of(bytes("/zookeeper/quota/q"), bytes("")))).containsExactly("created /zookeeper/quota/q",
                "children /zookeeper/quota");
    }

    @Test
    void aKeyGivenToOrTakenFromANodeWithChildrenIsADataChange() {
        engine.apply(1_000, Put.of(bytes("/a/b/c"), bytes("x")));
        assertThat(eventsOf(Put.of(bytes("/a/b"), bytes("real")))).containsExactly("data /a/b");
        assertThat(eventsOf(Put.of(bytes("/a/b"), bytes("again")))).containsExactly("data /a/b");
        assertThat(eventsOf(DeleteRange.of(bytes("/a/b")))).containsExactly("data /a/b");
        assertThat(eventsOf(DeleteRange.of(bytes("/a/b/c")))).containsExactly("deleted /a/b/c", "children /a/b",
                "deleted /a/b", "children /a", "deleted /a", "children /");
    }

    private static WatchSink recordingSink(List<String> seen) {
        return new WatchSink() {
            @Override
            public void deliver(List<org.apache.zookeeper.proto.WatcherEvent> events, long zxid) {
                events.forEach(e -> seen.add(name(e.getType()) + " " + e.getPath() + " @" + zxid));
            }

            @Override
            public long sessionId() {
                return 1;
            }
        };
    }

    /**
     * Changes with nothing armed are skipped, yet a reply waiting behind them still goes; a watch
     * armed afterwards fires for the next change, before the reply waiting behind that one.
     */
    @Test
    void repliesWaitingBehindSkippedChangesStillGoAndLaterWatchesFire() {
        WatchRegistry registry = new WatchRegistry();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        WatchSink sink = recordingSink(seen);
        try (ChangeDispatcher dispatcher = new ChangeDispatcher(registry, 4, engine::revision, ANYONE_READS)) {
            engine.addListener(dispatcher);
            for (int i = 0; i < 10; i++) {
                engine.apply(1_000, Put.of(bytes("/skipped" + i), bytes("x")));
            }
            dispatcher.whenDispatched(() -> seen.add("reply 1"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> seen.contains("reply 1"));
            registry.add(WatchKind.DATA, "/watched", sink, engine.revision());
            engine.apply(1_000, Put.of(bytes("/watched"), bytes("x")));
            long rev = engine.revision();
            dispatcher.whenDispatched(() -> seen.add("reply 2"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> seen.contains("reply 2"));
            assertThat(seen).containsExactly("reply 1", "created /watched @" + rev, "reply 2");
        }
    }

    /** Writes no one watches never reach the dispatcher thread; a watched one does. */
    @Test
    void changesWithNothingWatchedArePassedOverOnTheApplyThread() {
        WatchRegistry registry = new WatchRegistry();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ChangeDispatcher dispatcher = new ChangeDispatcher(registry, 4, engine::revision, ANYONE_READS)) {
            engine.addListener(dispatcher);
            long start = engine.revision();
            for (int i = 0; i < 10; i++) {
                engine.apply(1_000, Put.of(bytes("/unwatched" + i), bytes("x")));
            }
            // Passed over, so a reply behind them runs at once, on this thread.
            dispatcher.whenDispatched(() -> seen.add("reply"));
            assertThat(seen).containsExactly("reply");
            assertThat(dispatcher.queuedRevision()).isEqualTo(start);
            registry.add(WatchKind.DATA, "/watched", recordingSink(seen), engine.revision());
            engine.apply(1_000, Put.of(bytes("/watched"), bytes("x")));
            assertThat(dispatcher.queuedRevision()).isEqualTo(engine.revision());
        }
    }

    /**
     * Between being told of a revision and its becoming visible, a reply (which may observe it)
     * waits: passed over, it goes once the revision is visible; watched, after its event.
     */
    @Test
    void aReplyWaitsForARevisionToldButNotYetVisible() {
        WatchRegistry registry = new WatchRegistry();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ChangeDispatcher dispatcher = new ChangeDispatcher(registry, 4, engine::revision, ANYONE_READS)) {
            engine.apply(1_000, Put.of(bytes("/first"), bytes("x")));
            Change first = changes.get(changes.size() - 1);
            dispatcher.onChange(first);
            dispatcher.whenDispatched(() -> seen.add("reply 1"));
            assertThat(seen).isEmpty();
            assertThat(dispatcher.onVisible(first.revision())).as("passed over: no thread given work").isZero();
            assertThat(seen).containsExactly("reply 1");

            registry.add(WatchKind.DATA, "/second", recordingSink(seen), first.revision());
            engine.apply(1_000, Put.of(bytes("/second"), bytes("x")));
            Change second = changes.get(changes.size() - 1);
            dispatcher.onChange(second);
            dispatcher.whenDispatched(() -> seen.add("reply 2"));
            assertThat(seen).containsExactly("reply 1");
            assertThat(dispatcher.onVisible(second.revision())).as("the dispatcher thread").isEqualTo(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> seen.contains("reply 2"));
            assertThat(seen).containsExactly("reply 1", "created /second @" + second.revision(), "reply 2");
        }
    }
}
