package dev.cachai.zk.codec;

import java.util.OptionalLong;

/**
 * A four-letter admin command that arrived instead of a length prefix on a fresh connection.
 *
 * @param traceMask for {@code stmk}, the 8-byte big-endian mask that came with the word in the
 *                  same read, as ZooKeeper reads it; empty for other words and for a bare stmk
 */
public record FourLetterWord(String word, OptionalLong traceMask) {
    public FourLetterWord(String word) {
        this(word, OptionalLong.empty());
    }
}
