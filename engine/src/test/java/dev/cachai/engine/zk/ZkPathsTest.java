package dev.cachai.engine.zk;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ZkPathsTest {
    @Test
    void onlyTheRootsPathIsItsDataKeyAndNoNodeKey() {
        byte[] root = "/".getBytes(StandardCharsets.UTF_8);
        assertThat(ZkPaths.isRootDataKey(root)).isTrue();
        assertThat(ZkPaths.isNodeKey(root)).isFalse();
        for (String k : new String[] {"/a", "//", "a", ""}) {
            assertThat(ZkPaths.isRootDataKey(k.getBytes(StandardCharsets.UTF_8))).as(k).isFalse();
        }
    }

    @Test
    void relativeSegmentsAreRefusedWhereverTheyStand() {
        for (String p : new String[] {"/.", "/..", "/a/.", "/a/..", "/./a", "/../a", "/a/./b", "/a/../b"}) {
            assertThat(ZkPaths.invalidReason(p)).as(p).isEqualTo("relative paths not allowed");
        }
        for (String p : new String[] {"/...", "/.a", "/a.", "/a/.b/c", "/a/b..", "/a.b"}) {
            assertThat(ZkPaths.invalidReason(p)).as(p).isNull();
        }
        assertThat(ZkPaths.invalidReason("/./a\u0001")).as("character errors come first").isEqualTo("invalid character @4");
    }

    /** The byte-level check of ASCII keys answers as the String-level check does. */
    @Property(tries = 2000)
    void asciiKeysAreJudgedAsTheirStrings(@ForAll("asciiKeys") String path) {
        byte[] key = path.getBytes(StandardCharsets.UTF_8);
        boolean expected = key.length >= 2 && key[0] == '/' && ZkPaths.isValid(path);
        assertThat(ZkPaths.isNodeKey(key)).as(path.replace("\u0000", "\\0")).isEqualTo(expected);
    }

    /** Checking only what follows a valid parent's prefix answers as checking the whole key. */
    @Property(tries = 2000)
    void keysBelowAValidPrefixAreJudgedAsWholeKeys(@ForAll("asciiKeys") String rest) {
        for (String parent : new String[] {"/", "/p/", "/\u00e9t\u00e9/"}) {
            byte[] key = (parent + rest.substring(1)).getBytes(StandardCharsets.UTF_8);
            int prefix = parent.getBytes(StandardCharsets.UTF_8).length;
            assertThat(ZkPaths.isNodeKeyBelow(key, prefix)).as(parent + "|" + rest.replace("\u0000", "\\0"))
                    .isEqualTo(ZkPaths.isNodeKey(key));
        }
    }

    @Provide
    Arbitrary<String> asciiKeys() {
        return Arbitraries.strings().withChars('/', '.', 'a', 'Z', '0', ' ', '\u0000', '\u0001', '\u001f', '\u007f', '~')
                .ofMinLength(0).ofMaxLength(8).map(s -> "/" + s);
    }
}
