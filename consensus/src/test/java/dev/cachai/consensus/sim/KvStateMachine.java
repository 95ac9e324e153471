package dev.cachai.consensus.sim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** The replicated state machine of the simulation: a tiny string map with puts and logged gets. */
final class KvStateMachine {

    private final TreeMap<String, String> values = new TreeMap<>();

    static byte[] put(String key, String value, long opId) {
        return ("P|" + key + "|" + value + "|" + opId).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] get(String key, long opId) {
        return ("G|" + key + "|-|" + opId).getBytes(StandardCharsets.UTF_8);
    }

    static long opId(byte[] command) {
        String[] parts = new String(command, StandardCharsets.UTF_8).split("\\|");
        return Long.parseLong(parts[3]);
    }

    /** Applies a command and returns the value read (for a get) or written (for a put). */
    String apply(byte[] command) {
        String[] parts = new String(command, StandardCharsets.UTF_8).split("\\|");
        if (parts[0].equals("P")) {
            values.put(parts[1], parts[2]);
            return parts[2];
        }
        return values.get(parts[1]);
    }

    String read(String key) {
        return values.get(key);
    }

    byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(values.size());
            for (Map.Entry<String, String> entry : values.entrySet()) {
                out.writeUTF(entry.getKey());
                out.writeUTF(entry.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    void restore(byte[] snapshot) {
        values.clear();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                values.put(in.readUTF(), in.readUTF());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
