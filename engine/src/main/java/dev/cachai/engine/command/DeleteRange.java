package dev.cachai.engine.command;

/** etcd DeleteRangeRequest: [key, rangeEnd) with etcd's range conventions; empty rangeEnd = one key. */
public record DeleteRange(byte[] key, byte[] rangeEnd, boolean prevKv) implements KvCommand {
    public static DeleteRange of(byte[] key) {
        return new DeleteRange(key, dev.cachai.engine.Bytes.EMPTY, false);
    }
}
