package dev.cachai.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Key names and values shared by both protocols. Keys are valid ZooKeeper paths so that the same
 * names exist on every server; a run nonce keeps runs against one long-lived server apart.
 */
public final class Keys {
    /** Preloaded keys read and overwritten by range/get/set workloads. */
    public static final String KV_PARENT = "/bench-kv";

    private Keys() {}

    public static String kv(int index) {
        return KV_PARENT + "/k" + index;
    }

    public static String randomKv(int keyspaceKeys) {
        return kv(ThreadLocalRandom.current().nextInt(keyspaceKeys));
    }

    /** A per-run name component so repeated runs against one server do not collide. */
    public static String nonce() {
        return Long.toString(System.nanoTime() & 0xffffffffL, 36);
    }

    public static byte[] value(int valueBytes) {
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'v');
        return value;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
