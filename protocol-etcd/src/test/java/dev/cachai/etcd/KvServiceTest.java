package dev.cachai.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.etcd.proto.etcdserverpb.*;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvServiceTest {
    private InProcessEtcd etcd;
    private KVGrpc.KVBlockingStub kv;

    @BeforeEach
    void start() throws Exception {
        etcd = new InProcessEtcd();
        kv = KVGrpc.newBlockingStub(etcd.channel);
    }

    @AfterEach
    void stop() {
        etcd.close();
    }

    static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private PutResponse put(String k, String v) {
        return kv.put(PutRequest.newBuilder().setKey(b(k)).setValue(b(v)).build());
    }

    @Test
    void putThenRangeSeesValueAndRevisions() {
        PutResponse p = put("a", "1");
        assertThat(p.getHeader().getRevision()).isEqualTo(2);
        assertThat(p.getHeader().getClusterId()).isNotZero();
        put("a", "2");
        RangeResponse r = kv.range(RangeRequest.newBuilder().setKey(b("a")).build());
        assertThat(r.getKvsList()).singleElement().satisfies(kvp -> {
            assertThat(kvp.getValue().toStringUtf8()).isEqualTo("2");
            assertThat(kvp.getCreateRevision()).isEqualTo(2);
            assertThat(kvp.getModRevision()).isEqualTo(3);
            assertThat(kvp.getVersion()).isEqualTo(2);
        });
        RangeResponse old = kv.range(RangeRequest.newBuilder().setKey(b("a")).setRevision(2).setSerializable(true).build());
        assertThat(old.getKvs(0).getValue().toStringUtf8()).isEqualTo("1");
    }

    @Test
    void prefixLimitCountAndSort() {
        for (String k : new String[] {"p/c", "p/a", "p/b", "q"}) {
            put(k, k);
        }
        RangeRequest.Builder prefix = RangeRequest.newBuilder().setKey(b("p/")).setRangeEnd(b("p0"));
        RangeResponse limited = kv.range(prefix.clone().setLimit(2).build());
        assertThat(limited.getKvsList()).extracting(x -> x.getKey().toStringUtf8()).containsExactly("p/a", "p/b");
        assertThat(limited.getMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(3);
        RangeResponse countOnly = kv.range(prefix.clone().setCountOnly(true).build());
        assertThat(countOnly.getKvsCount()).isZero();
        assertThat(countOnly.getCount()).isEqualTo(3);
        RangeResponse desc = kv.range(prefix.clone().setSortOrder(RangeRequest.SortOrder.DESCEND)
                .setSortTarget(RangeRequest.SortTarget.CREATE).build());
        assertThat(desc.getKvsList()).extracting(x -> x.getKey().toStringUtf8()).containsExactly("p/b", "p/a", "p/c");
        RangeResponse all = kv.range(RangeRequest.newBuilder().setKey(b("\0")).setRangeEnd(b("\0")).setKeysOnly(true).build());
        assertThat(all.getCount()).isEqualTo(4);
        assertThat(all.getKvs(0).getValue()).isEmpty();
    }

    @Test
    void txnCompareAndNestedOps() {
        put("k", "v");
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(b("k")).setTarget(Compare.CompareTarget.VALUE)
                        .setResult(Compare.CompareResult.EQUAL).setValue(b("v")))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("k")).setValue(b("w")).setPrevKv(true)))
                .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder()
                        .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b("k"))))))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(b("k"))))
                .build();
        TxnResponse r = kv.txn(txn);
        assertThat(r.getSucceeded()).isTrue();
        assertThat(r.getResponses(0).getResponsePut().getPrevKv().getValue().toStringUtf8()).isEqualTo("v");
        assertThat(r.getResponses(1).getResponseTxn().getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8())
                .isEqualTo("w");
        TxnResponse again = kv.txn(txn);
        assertThat(again.getSucceeded()).isFalse();
        assertThat(again.getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8()).isEqualTo("w");
    }

    @Test
    void errorsCarryEtcdTexts() {
        put("a", "1");
        put("a", "2");
        kv.compact(CompactionRequest.newBuilder().setRevision(3).setPhysical(true).build());
        expect(() -> kv.range(RangeRequest.newBuilder().setKey(b("a")).setRevision(2).build()),
                Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
        expect(() -> kv.range(RangeRequest.newBuilder().setKey(b("a")).setRevision(99).build()),
                Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
        expect(() -> kv.put(PutRequest.newBuilder().setValue(b("x")).build()),
                Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided");
        expect(() -> kv.put(PutRequest.newBuilder().setKey(b("x")).setLease(42).build()),
                Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
        TxnRequest.Builder dup = TxnRequest.newBuilder();
        for (int i = 0; i < 2; i++) {
            dup.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("d"))));
        }
        expect(() -> kv.txn(dup.build()), Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
        TxnRequest.Builder many = TxnRequest.newBuilder();
        for (int i = 0; i < 129; i++) {
            many.addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(b("m" + i))));
        }
        expect(() -> kv.txn(many.build()), Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
        ByteString big = ByteString.copyFrom(new byte[EtcdServerConfig.REQUEST_BYTES_DEFAULT + 10]);
        expect(() -> kv.put(PutRequest.newBuilder().setKey(b("big")).setValue(big).build()),
                Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large");
    }

    static void expect(Runnable call, Status.Code code, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).isEqualTo(message);
        });
    }
}
