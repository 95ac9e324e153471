package dev.cachai.etcd;

import dev.cachai.etcd.proto.etcdserverpb.DeleteRangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchCreateRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchGrpc;
import dev.cachai.etcd.proto.etcdserverpb.WatchRequest;
import dev.cachai.etcd.proto.etcdserverpb.WatchResponse;
import dev.cachai.etcd.proto.mvccpb.Event;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.cachai.etcd.KvServiceTest.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many watchers of one key on one stream, more than a send turn's budget: each hears every
 * revision once, in order, with prev_kv exactly when it asked, whatever its neighbours asked.
 */
class WatchFanOutTest {
    private static final int WATCHERS = 150;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static boolean wantsPrevKv(long id) {
        return id % 2 == 1;
    }

    private static boolean skipsPuts(long id) {
        return id % 10 == 0;
    }

    /** Every seventh watcher watches another key, so the watchers of "f" are not all adjacent. */
    private static boolean watchesOtherKey(long id) {
        return id % 7 == 0;
    }

    @Test
    void everyWatcherOfAKeyHearsEachRevisionOnceWithItsOwnOptions() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(etcd.channel);
            WatchRecorder recorder = new WatchRecorder();
            StreamObserver<WatchRequest> stream = WatchGrpc.newStub(etcd.channel).watch(recorder);
            for (long id = 1; id <= WATCHERS; id++) {
                WatchCreateRequest.Builder c = WatchCreateRequest.newBuilder().setWatchId(id)
                        .setKey(b(watchesOtherKey(id) ? "g" : "f")).setPrevKv(wantsPrevKv(id));
                if (skipsPuts(id)) {
                    c.addFilters(WatchCreateRequest.FilterType.NOPUT);
                }
                stream.onNext(WatchRequest.newBuilder().setCreateRequest(c).build());
            }
            await().atMost(WAIT).until(() -> recorder.received.stream().filter(WatchResponse::getCreated).count() == WATCHERS);

            kv.put(PutRequest.newBuilder().setKey(b("f")).setValue(b("1")).build());
            kv.put(PutRequest.newBuilder().setKey(b("f")).setValue(b("2")).build());
            kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(b("f")).build());
            kv.put(PutRequest.newBuilder().setKey(b("g")).setValue(b("last")).build());

            await().atMost(WAIT).until(() -> allHeard(recorder));
            for (long id = 1; id <= WATCHERS; id++) {
                List<Event> events = eventsOf(recorder, id);
                if (watchesOtherKey(id)) {
                    assertThat(events).as("watcher %d", id).extracting(e -> e.getKv().getValue().toStringUtf8())
                            .containsExactlyElementsOf(skipsPuts(id) ? List.of() : List.of("last"));
                } else {
                    assertEventsOfF(id, events);
                }
            }
            stream.onCompleted();
        }
    }

    private static int expectedEvents(long id) {
        if (watchesOtherKey(id)) {
            return skipsPuts(id) ? 0 : 1;
        }
        return skipsPuts(id) ? 1 : 3;
    }

    private static boolean allHeard(WatchRecorder recorder) {
        for (long id = 1; id <= WATCHERS; id++) {
            if (eventsOf(recorder, id).size() < expectedEvents(id)) {
                return false;
            }
        }
        return true;
    }

    private static void assertEventsOfF(long id, List<Event> events) {
        if (!skipsPuts(id)) {
            assertThat(events).as("watcher %d", id).extracting(Event::getType)
                    .containsExactly(Event.EventType.PUT, Event.EventType.PUT, Event.EventType.DELETE);
            assertThat(events.get(0).hasPrevKv()).as("watcher %d: no value before the first put", id).isFalse();
            assertThat(events.get(1).hasPrevKv()).as("watcher %d", id).isEqualTo(wantsPrevKv(id));
            events = events.subList(2, 3);
        }
        assertThat(events).as("watcher %d", id).hasSize(1);
        Event delete = events.get(0);
        assertThat(delete.getType()).as("watcher %d", id).isEqualTo(Event.EventType.DELETE);
        assertThat(delete.hasPrevKv()).as("watcher %d", id).isEqualTo(wantsPrevKv(id));
        if (wantsPrevKv(id)) {
            assertThat(delete.getPrevKv().getValue().toStringUtf8()).isEqualTo("2");
        }
    }

    private static List<Event> eventsOf(WatchRecorder recorder, long watchId) {
        return recorder.received.stream().filter(r -> r.getWatchId() == watchId && !r.getCreated())
                .flatMap(r -> r.getEventsList().stream()).toList();
    }
}
