package dev.cachai.engine.result;

/** An auth store change succeeded; {@code authRevision} is the auth store's own revision. */
public record AuthResult(long revision, long authRevision) implements Result {}
