package dev.cachai.compat.etcd;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.cachai.etcd.proto.etcdserverpb.AlarmRequest;
import dev.cachai.etcd.proto.etcdserverpb.Compare;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.MaintenanceGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.RequestOp;
import dev.cachai.etcd.proto.etcdserverpb.TxnRequest;
import dev.cachai.etcd.testing.RawRequests;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests no etcd client library sends, as a buggy or hostile client might: enum numbers etcd
 * has no name for, and bytes that are not a protobuf message. etcd answers the first without an
 * error (an unknown sort order sorts nothing, an unknown compare result holds, an unknown compare
 * target compares equal, an unknown alarm type matches nothing) and the second with INTERNAL.
 */
class OddRequestDifferentialTest {
    private static final int UNNAMED = 9;
    private static final int UNNAMED_ALARM = 7;
    private static final long TIMEOUT_S = 10;

    @Test
    void oddRequestsAreAnsweredAsEtcdAnswersThem() throws Exception {
        assertThat(Targets.sameOnCachaiAsOnEtcd(OddRequestDifferentialTest::run)).contains(
                "truncated range: INTERNAL grpc: error unmarshalling request: ...");
    }

    private static List<String> run(Targets.Target target) {
        URI uri = URI.create(target.endpoint());
        ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        try {
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(TIMEOUT_S, TimeUnit.SECONDS);
            MaintenanceGrpc.MaintenanceBlockingStub maintenance =
                    MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(TIMEOUT_S, TimeUnit.SECONDS);
            kv.put(put("a", "3"));
            kv.put(put("b", "1"));
            kv.put(put("a", "2"));
            List<String> out = new ArrayList<>();
            RangeRequest.Builder ab = RangeRequest.newBuilder().setKey(bytes("a")).setRangeEnd(bytes("c"));
            out.add("range, unnamed order: " + text(() -> kv.range(ab.clone().setSortOrderValue(UNNAMED).build())));
            out.add("range, unnamed order by mod, limit 1: " + text(() -> kv.range(ab.clone()
                    .setSortOrderValue(UNNAMED).setSortTarget(RangeRequest.SortTarget.MOD).setLimit(1).build())));
            out.add("range, unnamed order and target: " + text(() -> kv.range(ab.clone()
                    .setSortOrderValue(UNNAMED).setSortTargetValue(UNNAMED).build())));
            out.add("txn range, unnamed order: " + text(() -> kv.txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestRange(ab.clone().setSortOrderValue(UNNAMED))).build())));
            for (int result : new int[] {Compare.CompareResult.EQUAL_VALUE, Compare.CompareResult.GREATER_VALUE, UNNAMED}) {
                for (int compared : new int[] {Compare.CompareTarget.VERSION_VALUE, UNNAMED}) {
                    Compare c = Compare.newBuilder().setKey(bytes("a")).setResultValue(result).setTargetValue(compared)
                            .setVersion(7).build();
                    out.add("txn, compare result " + result + " target " + compared + ": " + text(() -> kv.txn(
                            TxnRequest.newBuilder().addCompare(c).addSuccess(get("a")).addFailure(get("b")).build())));
                }
            }
            for (AlarmRequest.AlarmAction action : new AlarmRequest.AlarmAction[] {
                    AlarmRequest.AlarmAction.GET, AlarmRequest.AlarmAction.DEACTIVATE}) {
                // Without the header: etcd 3.4 sends none with an alarm answer, 3.5 (and Cachai) does.
                out.add("alarm " + action + ", unnamed type: " + text(() -> maintenance.alarm(AlarmRequest.newBuilder()
                        .setAction(action).setMemberID(5).setAlarmValue(UNNAMED_ALARM).build()).toBuilder().clearHeader().build()));
            }
            out.add("truncated range: " + unparsable(channel));
            out.add("range after it: " + text(() -> kv.range(ab.build())));
            return out;
        } finally {
            channel.shutdownNow();
        }
    }

    /** The answer with the header's revision only (ids and term differ between any two servers). */
    private static String text(Supplier<Message> call) {
        return EtcdAnswers.text(call, 0, revision -> {});
    }

    /** The code and etcd's fixed prefix; the parser's own words after it differ (Go's and Java's). */
    private static String unparsable(ManagedChannel channel) {
        MethodDescriptor<byte[], byte[]> range = RawRequests.raw(KVGrpc.getRangeMethod());
        try {
            ClientCalls.blockingUnaryCall(channel, range, CallOptions.DEFAULT.withDeadlineAfter(TIMEOUT_S, TimeUnit.SECONDS),
                    RawRequests.TRUNCATED);
            return "answered";
        } catch (StatusRuntimeException e) {
            String description = String.valueOf(e.getStatus().getDescription());
            String prefix = "grpc: error unmarshalling request: ";
            return e.getStatus().getCode() + " " + (description.startsWith(prefix) ? prefix + "..." : description);
        }
    }

    private static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    private static RequestOp get(String key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))).build();
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
