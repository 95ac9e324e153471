package dev.cachai.zk.watch;

import dev.cachai.engine.zk.Acl;
import org.apache.zookeeper.proto.WatcherEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Watch matching by revision, with dispatch running behind commits. */
class WatchRegistryTest {
    private static final WatchSink SINK = new WatchSink() {
        @Override
        public void deliver(List<WatcherEvent> events, long zxid) {
        }

        @Override
        public long sessionId() {
            return 1;
        }
    };
    private static final List<PathEvent> CHILD_CHANGED = List.of(new PathEvent(EventType.NODE_CHILDREN_CHANGED, "/p"));

    private final WatchRegistry registry = new WatchRegistry();

    private boolean firesAt(long revision) {
        return registry.fire(CHILD_CHANGED, revision, e -> null).containsKey(SINK);
    }

    @Test
    void aWatchFiresOnceForTheFirstLaterChange() {
        assertThat(registry.add(WatchKind.CHILD, "/p", SINK, 5)).isTrue();
        assertThat(firesAt(5)).as("a change the read saw").isFalse();
        assertThat(firesAt(6)).isTrue();
        assertThat(firesAt(7)).as("one-shot").isFalse();
    }

    /** The client read again at 7 before change 6 was dispatched: it holds a watch for after 7 too. */
    @Test
    void aWatchSetAgainBeforeAnOlderChangeFiredStaysArmed() {
        registry.add(WatchKind.CHILD, "/p", SINK, 5);
        assertThat(registry.add(WatchKind.CHILD, "/p", SINK, 7)).as("the same watch").isFalse();
        assertThat(firesAt(6)).isTrue();
        assertThat(firesAt(7)).as("seen by the second read").isFalse();
        assertThat(firesAt(8)).isTrue();
        assertThat(firesAt(9)).isFalse();
    }

    @Test
    void persistentWatchesKeepFiring() {
        registry.add(WatchKind.PERSISTENT, "/p", SINK, 5);
        assertThat(firesAt(6)).isTrue();
        assertThat(firesAt(7)).isTrue();
    }

    /** The dispatcher skips changes while nothing is armed, so the count must follow every way a watch goes. */
    @Test
    void theArmedCountFollowsAddsFiringsAndRemovals() {
        assertThat(registry.isEmpty()).isTrue();
        registry.add(WatchKind.CHILD, "/p", SINK, 5);
        registry.add(WatchKind.CHILD, "/p", SINK, 6);
        registry.add(WatchKind.DATA, "/p", SINK, 5);
        registry.add(WatchKind.RECURSIVE, "/", SINK, 5);
        assertThat(registry.watchCount()).as("the renewed watch is one").isEqualTo(3);
        assertThat(firesAt(7)).isTrue();
        assertThat(registry.watchCount()).as("the one-shot child watch fired").isEqualTo(2);
        assertThat(registry.remove(WatchKind.DATA, "/p", SINK)).isTrue();
        assertThat(registry.remove(WatchKind.DATA, "/p", SINK)).isFalse();
        assertThat(registry.watchCount()).isEqualTo(1);
        registry.removeAll(SINK);
        assertThat(registry.isEmpty()).isTrue();
    }

    /**
     * ZooKeeper 3.9 sends an event only to a connection with READ on the node's ACL; a one-shot
     * watch of a connection without it is used up silently.
     */
    @Test
    void anEventGoesOnlyToConnectionsThatMayReadTheNode() {
        WatchSink blind = new WatchSink() {
            @Override
            public void deliver(List<WatcherEvent> events, long zxid) {
            }

            @Override
            public boolean mayRead(List<Acl> acl) {
                return false;
            }

            @Override
            public long sessionId() {
                return 2;
            }
        };
        registry.add(WatchKind.CHILD, "/p", SINK, 5);
        registry.add(WatchKind.CHILD, "/p", blind, 5);
        List<Acl> readOnlyForSome = List.of(new Acl(Acl.READ, "digest", "alice:x"));
        var fired = registry.fire(CHILD_CHANGED, 6, e -> readOnlyForSome);
        assertThat(fired).containsOnlyKeys(SINK);
        assertThat(registry.contains(WatchKind.CHILD, "/p", blind)).as("used up").isFalse();
    }
}
