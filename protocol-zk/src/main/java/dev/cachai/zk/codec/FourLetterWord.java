package dev.cachai.zk.codec;

/** A four-letter admin command that arrived instead of a length prefix on a fresh connection. */
public record FourLetterWord(String word) {}
