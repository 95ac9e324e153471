package dev.cachai.bench.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * etcd v3 messages through protobuf-java. protocol-etcd's own generated classes do not exist yet,
 * so this uses jetcd's copy of the same etcdserverpb messages (same wire format, same runtime);
 * switch the imports to protocol-etcd's classes once they land.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Thread)
public class ProtobufCodecBench {
    private final ByteString key = ByteString.copyFromUtf8("/bench-kv/k42");
    private final ByteString value = ByteString.copyFrom(new byte[256]);
    private byte[] putBytes;
    private byte[] rangeResponseBytes;

    @Setup
    public void setUp() {
        putBytes = encodePut();
        rangeResponseBytes = encodeRangeResponse();
    }

    @Benchmark
    public byte[] encodePut() {
        return PutRequest.newBuilder().setKey(key).setValue(value).build().toByteArray();
    }

    @Benchmark
    public PutRequest decodePut() throws InvalidProtocolBufferException {
        return PutRequest.parseFrom(putBytes);
    }

    @Benchmark
    public byte[] encodeRangeResponse() {
        KeyValue kv = KeyValue.newBuilder().setKey(key).setValue(value)
                .setCreateRevision(10).setModRevision(20).setVersion(3).build();
        ResponseHeader header = ResponseHeader.newBuilder().setClusterId(1).setMemberId(2).setRevision(20).setRaftTerm(2).build();
        return RangeResponse.newBuilder().setHeader(header).addKvs(kv).setCount(1).build().toByteArray();
    }

    @Benchmark
    public RangeResponse decodeRangeResponse() throws InvalidProtocolBufferException {
        return RangeResponse.parseFrom(rangeResponseBytes);
    }
}
