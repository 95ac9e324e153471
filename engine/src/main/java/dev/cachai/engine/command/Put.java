package dev.cachai.engine.command;

/** etcd PutRequest. */
public record Put(byte[] key, byte[] value, long lease, boolean prevKv, boolean ignoreValue,
                  boolean ignoreLease) implements KvCommand {
    public static Put of(byte[] key, byte[] value) {
        return new Put(key, value, 0, false, false, false);
    }
}
