package dev.cachai.engine.kv;

/** One key change of a revision: a PUT (version 1 means the key was created) or a DELETE. */
public record Event(Type type, KeyValue kv, KeyValue prevKv) {
    public enum Type { PUT, DELETE }

    public boolean isCreate() {
        return type == Type.PUT && kv.version() == 1;
    }
}
