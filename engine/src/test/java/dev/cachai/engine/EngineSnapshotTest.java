package dev.cachai.engine;

import dev.cachai.engine.command.Put;
import dev.cachai.engine.kv.RangeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.Serializer;
import org.mapdb.SortedTableMap;
import org.mapdb.volume.FileChannelVol;
import org.mapdb.volume.Volume;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class EngineSnapshotTest {
    @TempDir
    Path dir;

    /**
     * More than a MapDB page (1 MiB) in 32 neighbouring keys, one value larger than a page, and a
     * key with a long history: each key stored as one table value made the table's writer fail.
     */
    @Test
    void largeValuesAndLongHistoriesRoundTrip() throws Exception {
        Engine engine = new Engine();
        for (int i = 0; i < 40; i++) {
            engine.apply(10, Put.of(utf8(String.format("big/%02d", i)), filled(40 * 1024, i)));
        }
        engine.apply(10, Put.of(utf8("huge"), filled(1_400_000, 7)));
        long firstHistoryRevision = engine.revision() + 1;
        for (int i = 0; i < 2_000; i++) {
            engine.apply(10, Put.of(utf8("hot"), filled(1024, i)));
        }
        Path file = dir.resolve("s.snap");
        try (EngineSnapshot snapshot = engine.beginSnapshot(42)) {
            snapshot.writeTo(file);
        }
        EngineSnapshot.Restored restored = EngineSnapshot.restore(file, EngineLimits.DEFAULTS);
        Engine copy = restored.engine();
        assertThat(restored.appliedIndex()).isEqualTo(42);
        assertThat(copy.revision()).isEqualTo(engine.revision());
        assertThat(copy.stateHash()).isEqualTo(engine.stateHash());
        assertThat(copy.range(RangeRequest.key(utf8("hot")).atRevision(firstHistoryRevision)).kvs().get(0).value())
                .isEqualTo(filled(1024, 0));
        assertThat(copy.range(RangeRequest.key(utf8("huge"))).kvs().get(0).value()).isEqualTo(filled(1_400_000, 7));
        assertThat(dir.resolve("s.snap.tmp")).doesNotExist();
        long payloadBytes = 40 * 40 * 1024 + 1_400_000 + 2_000 * 1024;
        assertThat(Files.size(file)).as("pages mostly full").isLessThan(payloadBytes * 13 / 10 + (1 << 20));
    }

    /** A data dir written before the chunked format (version 2: header and each key as values of their own). */
    @Test
    void aFormatTwoSnapshotStillLoads() throws Exception {
        Path file = dir.resolve("v2.snap");
        Volume vol = FileChannelVol.FACTORY.makeVolume(file.toString(), false);
        SortedTableMap.Sink<Long, byte[]> sink =
                SortedTableMap.create(vol, Serializer.LONG, Serializer.BYTE_ARRAY).createFromSink();
        sink.put(0L, formatTwoHeader(2, 0, 9));
        sink.put(1L, formatTwoRecord("k", "v", 2));
        sink.create();
        vol.sync();
        vol.close();
        EngineSnapshot.Restored restored = EngineSnapshot.restore(file, EngineLimits.DEFAULTS);
        assertThat(restored.appliedIndex()).isEqualTo(9);
        assertThat(restored.engine().revision()).isEqualTo(2);
        var kv = restored.engine().range(RangeRequest.key(utf8("k"))).kvs().get(0);
        assertThat(kv.value()).isEqualTo(utf8("v"));
        assertThat(kv.modRevision()).isEqualTo(2);
    }

    private static byte[] formatTwoHeader(long revision, long compactRevision, long appliedIndex) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(2);
        out.writeLong(revision);
        out.writeLong(compactRevision);
        out.writeLong(appliedIndex);
        // the root's meta: persistent, no TTL or owner, counters 0, world:anyone with every permission
        out.writeByte(0);
        out.writeLong(0);
        out.writeLong(0);
        out.writeInt(0);
        out.writeLong(0);
        out.writeInt(0);
        out.writeInt(0);
        out.writeBoolean(false);
        out.writeLong(0);
        out.writeInt(1);
        out.writeInt(31);
        out.writeUTF("world");
        out.writeUTF("anyone");
        out.writeInt(0); // leases
        out.writeBoolean(false); // auth disabled
        out.writeLong(0); // auth revision
        out.writeInt(0); // users
        out.writeInt(0); // roles
        return bytes.toByteArray();
    }

    private static byte[] formatTwoRecord(String key, String value, long revision) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] k = utf8(key);
        out.writeInt(k.length);
        out.write(k);
        out.writeInt(1); // versions
        byte[] v = utf8(value);
        out.writeInt(v.length);
        out.write(v);
        out.writeBoolean(false); // not a null value
        out.writeLong(revision); // create
        out.writeLong(revision); // mod
        out.writeLong(1); // version
        out.writeLong(0); // lease
        out.writeLong(10); // ctime
        out.writeLong(10); // mtime
        out.writeBoolean(false); // no stored meta
        return bytes.toByteArray();
    }

    private static byte[] filled(int length, int seed) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) seed);
        b[0] = (byte) (seed >> 8);
        return b;
    }
}
