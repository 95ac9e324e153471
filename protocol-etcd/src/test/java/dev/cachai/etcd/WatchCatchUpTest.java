package dev.cachai.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.etcd.proto.etcdserverpb.*;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.cachai.etcd.KvServiceTest.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Watches starting before the hub's short history, fragments, the quota and hasleader. */
class WatchCatchUpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Far fewer events than the test writes, so the catch-up must come from the engine. */
    private static final int HISTORY_EVENTS = 10;

    private static WatchRecorder watch(WatchGrpc.WatchStub stub, WatchCreateRequest.Builder create) {
        WatchRecorder r = new WatchRecorder();
        open(stub, create, r);
        return r;
    }

    private static StreamObserver<WatchRequest> open(WatchGrpc.WatchStub stub, WatchCreateRequest.Builder create, WatchRecorder r) {
        StreamObserver<WatchRequest> requests = stub.watch(r);
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
        return requests;
    }

    private static void put(KVGrpc.KVBlockingStub kv, String key, String value) {
        kv.put(PutRequest.newBuilder().setKey(b(key)).setValue(b(value)).build());
    }

    @Test
    void catchUpFromAnyRetainedRevisionInOrderOnceEach() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd(EtcdServerConfig.defaults("127.0.0.1", 0)
                .withWatchHistoryEventsMax(HISTORY_EVENTS))) {
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            int writes = 600;
            for (int i = 0; i < writes; i++) {
                // Every other write outside the watched prefix: batches that match nothing must not stall.
                String key = (i % 2 == 0 ? "k/" : "other/") + (i % 7);
                kv.put(PutRequest.newBuilder().setKey(b(key)).setValue(b("v" + i)).build());
            }
            WatchRecorder r = watch(WatchGrpc.newStub(etcd.channel), WatchCreateRequest.newBuilder()
                    .setKey(b("k/")).setRangeEnd(b("k0")).setStartRevision(2).setPrevKv(true));
            await().atMost(WAIT).until(() -> r.events().size() >= writes / 2);
            kv.put(PutRequest.newBuilder().setKey(b("k/live")).setValue(b("x")).build());
            await().atMost(WAIT).until(() -> r.events().size() == writes / 2 + 1);
            List<Long> revisions = r.events().stream().map(e -> e.getKv().getModRevision()).toList();
            assertThat(revisions).isSorted().doesNotHaveDuplicates().startsWith(2L, 4L, 6L);
            assertThat(r.events().get(writes / 2 - 1).getPrevKv().getValue().toStringUtf8()).startsWith("v");
        }
    }

    /**
     * The hub keeps history only while a stream is open: revisions written while none was, and
     * those an earlier stream saw, are replayed from the engine, each once and in order.
     */
    @Test
    void revisionsFromBeforeAndBetweenStreamsAreReplayed() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            var stub = WatchGrpc.newStub(etcd.channel);
            for (int i = 0; i < 5; i++) { // revisions 2..6, no stream open
                put(kv, "h", "before" + i);
            }
            WatchRecorder first = new WatchRecorder();
            StreamObserver<WatchRequest> firstRequests = open(stub, WatchCreateRequest.newBuilder().setKey(b("h")), first);
            await().atMost(WAIT).until(() -> !first.received.isEmpty()); // created
            for (int i = 0; i < 5; i++) { // revisions 7..11, held by the hub
                put(kv, "h", "during" + i);
            }
            await().atMost(WAIT).until(() -> first.events().size() == 5);
            firstRequests.onCompleted();
            await().atMost(WAIT).until(() -> first.completed);
            for (int i = 0; i < 5; i++) { // revisions 12..16, no stream open again
                put(kv, "h", "after" + i);
            }
            WatchRecorder replay = watch(stub, WatchCreateRequest.newBuilder().setKey(b("h")).setStartRevision(2).setPrevKv(true));
            await().atMost(WAIT).until(() -> replay.events().size() >= 15);
            put(kv, "h", "live"); // revision 17, held again
            await().atMost(WAIT).until(() -> replay.events().size() == 16);
            assertThat(replay.events().stream().map(e -> e.getKv().getModRevision()).toList())
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(2, 17).boxed().toList());
            assertThat(replay.events().get(10).getKv().getValue().toStringUtf8()).isEqualTo("after0");
            assertThat(replay.events().get(10).getPrevKv().getValue().toStringUtf8()).isEqualTo("during4");
        }
    }

    @Test
    void onlyRevisionsBelowTheCompactionAreCompacted() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd(EtcdServerConfig.defaults("127.0.0.1", 0)
                .withWatchHistoryEventsMax(HISTORY_EVENTS))) {
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            for (int i = 0; i < 50; i++) { // revisions 2..51
                kv.put(PutRequest.newBuilder().setKey(b("c")).setValue(b("v" + i)).build());
            }
            kv.compact(CompactionRequest.newBuilder().setRevision(20).build());
            var stub = WatchGrpc.newStub(etcd.channel);
            WatchRecorder below = watch(stub, WatchCreateRequest.newBuilder().setKey(b("c")).setStartRevision(10));
            WatchRecorder above = watch(stub, WatchCreateRequest.newBuilder().setKey(b("c")).setStartRevision(21));
            await().atMost(WAIT).until(() -> below.received.stream().anyMatch(WatchResponse::getCanceled));
            assertThat(below.received.stream().filter(WatchResponse::getCanceled).findFirst().orElseThrow()
                    .getCompactRevision()).isEqualTo(20);
            // Revision 21 is older than the history but above the compaction: replayed, not canceled.
            await().atMost(WAIT).until(() -> above.events().size() == 31);
            assertThat(above.received).noneMatch(WatchResponse::getCanceled);
        }
    }

    @Test
    void largeRevisionIsFragmentedWhenAsked() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            ByteString big = ByteString.copyFrom(new byte[700 * 1024]);
            for (String k : new String[] {"f/1", "f/2", "f/3"}) {
                kv.put(PutRequest.newBuilder().setKey(b(k)).setValue(big).build());
            }
            WatchRecorder r = watch(WatchGrpc.newStub(etcd.channel), WatchCreateRequest.newBuilder().setKey(b("f/"))
                    .setRangeEnd(b("f0")).setPrevKv(true).setFragment(true));
            await().atMost(WAIT).until(() -> !r.received.isEmpty());
            // One revision deleting three keys whose prev_kv add up to more than the request limit.
            kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(b("f/")).setRangeEnd(b("f0")).build());
            await().atMost(WAIT).until(() -> r.events().size() == 3);
            List<WatchResponse> parts = r.received.stream().filter(x -> x.getEventsCount() > 0).toList();
            assertThat(parts).hasSizeGreaterThan(1);
            assertThat(parts.subList(0, parts.size() - 1)).allMatch(WatchResponse::getFragment);
            assertThat(parts.get(parts.size() - 1).getFragment()).isFalse();
            assertThat(parts).allMatch(p -> p.getSerializedSize() <= EtcdServerConfig.REQUEST_BYTES_DEFAULT + 1024);
        }
    }

    @Test
    void quotaCountsTheEnginesRetainedBytes() throws Exception {
        long quota = 256 * 1024;
        try (InProcessEtcd etcd = new InProcessEtcd(EtcdServerConfig.defaults("127.0.0.1", 0).withQuotaBackendBytes(quota))) {
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            ByteString value = ByteString.copyFrom(new byte[100 * 1024]);
            kv.put(PutRequest.newBuilder().setKey(b("q")).setValue(value).build());
            long dbSize = MaintenanceGrpc.newBlockingStub(etcd.channel).status(StatusRequest.getDefaultInstance()).getDbSize();
            assertThat(dbSize).isGreaterThan(100 * 1024).isLessThan(quota);
            kv.put(PutRequest.newBuilder().setKey(b("q")).setValue(value).build());
            assertThatThrownBy(() -> kv.put(PutRequest.newBuilder().setKey(b("q")).setValue(value).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription()).isEqualTo("etcdserver: mvcc: database space exceeded");
                    });
            assertThat(MaintenanceGrpc.newBlockingStub(etcd.channel).alarm(AlarmRequest.newBuilder()
                    .setAction(AlarmRequest.AlarmAction.GET).build()).getAlarmsList())
                    .anyMatch(a -> a.getAlarm() == AlarmType.NOSPACE);
        }
    }

    @Test
    void requireLeaderMetadataIsAcceptedOnASingleNode() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            Metadata md = new Metadata();
            md.put(Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER), "true");
            var stub = WatchGrpc.newStub(etcd.channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
            WatchRecorder r = watch(stub, WatchCreateRequest.newBuilder().setKey(b("l")));
            await().atMost(WAIT).until(() -> !r.received.isEmpty());
            KVGrpc.newBlockingStub(etcd.channel).put(PutRequest.newBuilder().setKey(b("l")).setValue(b("1")).build());
            await().atMost(WAIT).until(() -> r.events().size() == 1);
        }
    }

    /** etcd refuses a watch on a range holding no key, and a taken id, with watch id -1 and its texts. */
    @Test
    void refusedWatchesCarryIdMinusOneAndEtcdsReasons() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            var stub = WatchGrpc.newStub(etcd.channel);
            WatchRecorder reversed = watch(stub, WatchCreateRequest.newBuilder().setKey(b("z")).setRangeEnd(b("a")));
            await().atMost(WAIT).until(() -> !reversed.received.isEmpty());
            assertThat(reversed.received.get(0)).satisfies(r -> {
                assertThat(r.getWatchId()).isEqualTo(-1);
                assertThat(r.getCreated()).isTrue();
                assertThat(r.getCanceled()).isTrue();
                assertThat(r.getCancelReason()).isEqualTo("mvcc: watcher range is empty");
            });
            WatchRecorder r = new WatchRecorder();
            StreamObserver<WatchRequest> requests = open(stub, WatchCreateRequest.newBuilder().setKey(b("k")).setWatchId(7), r);
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(
                    WatchCreateRequest.newBuilder().setKey(b("j")).setWatchId(7)).build());
            await().atMost(WAIT).until(() -> r.received.size() == 2);
            assertThat(r.received.get(1).getWatchId()).isEqualTo(-1);
            assertThat(r.received.get(1).getCancelReason()).isEqualTo("mvcc: duplicate watch ID provided on the WatchStream");
        }
    }

    /**
     * etcd reads prev_kv at the revision before the event when it sends it: replaying history,
     * an event whose previous revision was compacted comes without one. A start below the
     * compaction is cancelled with the compact revision and no reason text.
     */
    @Test
    void replayedEventsLoseTheirPrevKvWhereTheRevisionBeforeWasCompacted() throws Exception {
        try (InProcessEtcd etcd = new InProcessEtcd()) {
            var kv = KVGrpc.newBlockingStub(etcd.channel);
            put(kv, "p", "1"); // revision 2
            put(kv, "p", "2"); // 3
            put(kv, "p", "3"); // 4
            kv.compact(CompactionRequest.newBuilder().setRevision(4).build());
            var stub = WatchGrpc.newStub(etcd.channel);
            WatchRecorder fromCompaction = watch(stub, WatchCreateRequest.newBuilder().setKey(b("p")).setStartRevision(4).setPrevKv(true));
            put(kv, "p", "4"); // 5
            await().atMost(WAIT).until(() -> fromCompaction.events().size() == 2);
            assertThat(fromCompaction.events().get(0).hasPrevKv()).as("revision 3 was compacted").isFalse();
            assertThat(fromCompaction.events().get(1).getPrevKv().getValue().toStringUtf8()).isEqualTo("3");
            WatchRecorder belowCompaction = watch(stub, WatchCreateRequest.newBuilder().setKey(b("p")).setStartRevision(2));
            await().atMost(WAIT).until(() -> belowCompaction.received.stream().anyMatch(WatchResponse::getCanceled));
            WatchResponse cancelled = belowCompaction.received.stream().filter(WatchResponse::getCanceled).findFirst().orElseThrow();
            assertThat(cancelled.getCompactRevision()).isEqualTo(4);
            assertThat(cancelled.getCancelReason()).isEmpty();
        }
    }
}
