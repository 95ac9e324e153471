package dev.cachai.server.tls;

import dev.cachai.engine.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** etcd reads its certificate files on every handshake; so does the key manager. */
class ReloadingKeyManagerTest {
    @TempDir
    static Path dir;
    private static TestPki.Issued first;
    private static TestPki.Issued second;

    @BeforeAll
    static void issue() throws IOException {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("ca")));
        first = pki.issueServer("first");
        second = pki.issueServer("second");
    }

    /** Where the server reads its pair, set to {@code issued}'s files. */
    private static Path[] served(Path at, TestPki.Issued issued) throws IOException {
        Files.createDirectories(at);
        Path cert = at.resolve("server.crt");
        Path key = at.resolve("server.key");
        Files.copy(issued.certFile(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(issued.keyFile(), key, StandardCopyOption.REPLACE_EXISTING);
        return new Path[] {cert, key};
    }

    @Test
    void aRotatedPairIsServedFromTheNextHandshake() throws IOException {
        Path[] files = served(dir.resolve("rotated"), first);
        ReloadingKeyManager keys = new ReloadingKeyManager(files[0], files[1]);
        assertThat(keys.servedChain()[0]).isEqualTo(first.certificate());
        served(dir.resolve("rotated"), second);
        assertThat(keys.servedChain()[0]).isEqualTo(second.certificate());
    }

    @Test
    void aRotationCaughtHalfWayKeepsTheLastGoodPair() throws IOException {
        Path[] files = served(dir.resolve("half"), first);
        ReloadingKeyManager keys = new ReloadingKeyManager(files[0], files[1]);
        Files.copy(second.certFile(), files[0], StandardCopyOption.REPLACE_EXISTING);
        assertThat(keys.servedChain()[0]).as("new certificate, old key").isEqualTo(first.certificate());
        Files.writeString(files[1], "-----BEGIN PRIVATE KEY-----\ntruncated");
        assertThat(keys.servedChain()[0]).as("a key file being written").isEqualTo(first.certificate());
        Files.copy(second.keyFile(), files[1], StandardCopyOption.REPLACE_EXISTING);
        assertThat(keys.servedChain()[0]).as("both written").isEqualTo(second.certificate());
    }

    @Test
    void aPairThatDoesNotLoadAtStartIsRefused() throws IOException {
        Path[] files = served(dir.resolve("bad"), first);
        Files.copy(second.keyFile(), files[1], StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> new ReloadingKeyManager(files[0], files[1]))
                .hasMessageContaining("does not match the certificate");
    }
}
