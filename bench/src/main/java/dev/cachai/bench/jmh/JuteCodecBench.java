package dev.cachai.bench.jmh;

import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.SetDataRequest;
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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * ZooKeeper wire records (org.apache.zookeeper.proto, jute) encoded and decoded with the jute
 * archives: the per-request codec cost of the ZooKeeper adapter, header plus body, 256-byte data.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@State(Scope.Thread)
public class JuteCodecBench {
    private final byte[] data = new byte[256];
    private byte[] createBytes;
    private byte[] setDataBytes;
    private byte[] getDataResponseBytes;

    @Setup
    public void setUp() throws IOException {
        createBytes = encodeCreate();
        setDataBytes = encodeSetData();
        getDataResponseBytes = encodeGetDataResponse();
    }

    @Benchmark
    public byte[] encodeCreate() throws IOException {
        return encode(new RequestHeader(1, ZooDefs.OpCode.create),
                new CreateRequest("/bench/service/node-0000001", data, ZooDefs.Ids.OPEN_ACL_UNSAFE, 0));
    }

    @Benchmark
    public CreateRequest decodeCreate() throws IOException {
        return decode(createBytes, new CreateRequest());
    }

    @Benchmark
    public byte[] encodeSetData() throws IOException {
        return encode(new RequestHeader(2, ZooDefs.OpCode.setData), new SetDataRequest("/bench-kv/k42", data, -1));
    }

    @Benchmark
    public SetDataRequest decodeSetData() throws IOException {
        return decode(setDataBytes, new SetDataRequest());
    }

    @Benchmark
    public byte[] encodeGetData() throws IOException {
        return encode(new RequestHeader(3, ZooDefs.OpCode.getData), new GetDataRequest("/bench-kv/k42", false));
    }

    @Benchmark
    public byte[] encodeGetDataResponse() throws IOException {
        Stat stat = new Stat(10, 20, 1_700_000_000_000L, 1_700_000_000_500L, 3, 0, 0, 0, data.length, 0, 10);
        return encode(new ReplyHeader(3, 20, 0), new GetDataResponse(data, stat));
    }

    @Benchmark
    public GetDataResponse decodeGetDataResponse() throws IOException {
        return decode(getDataResponseBytes, new GetDataResponse());
    }

    private static byte[] encode(Record header, Record body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        BinaryOutputArchive archive = BinaryOutputArchive.getArchive(out);
        header.serialize(archive, "header");
        body.serialize(archive, "request");
        return out.toByteArray();
    }

    /** Decodes the header (its type depends on direction, so it is skipped by size) then the body. */
    private static <T extends Record> T decode(byte[] bytes, T body) throws IOException {
        BinaryInputArchive archive = BinaryInputArchive.getArchive(new ByteArrayInputStream(bytes));
        archive.readInt("xid");
        archive.readInt("type-or-zxid-high");
        if (body instanceof GetDataResponse) {
            archive.readInt("zxid-low");
            archive.readInt("err");
        }
        body.deserialize(archive, "request");
        return body;
    }
}
