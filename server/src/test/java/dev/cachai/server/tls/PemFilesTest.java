package dev.cachai.server.tls;

import dev.cachai.engine.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM keys in the three formats etcd deployments carry (PKCS#8, PKCS#1 RSA, SEC1 EC) and certificates. */
class PemFilesTest {
    /** 1.2.840.10045.3.1.7, the P-256 curve. */
    private static final byte[] SECP256R1 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};

    @TempDir
    Path dir;

    @Test
    void pkcs1RsaKeyAsKubeadmWritesIt() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
        // A PKCS#8 RSA key carries the PKCS#1 structure as its OCTET STRING.
        Der.Reader info = new Der.Reader(key.getEncoded()).enter(0x30);
        info.skip(0x02);
        info.skip(0x30);
        Path file = dir.resolve("rsa.key");
        TestPki.writePem(file, "RSA PRIVATE KEY", info.read(0x04));
        RSAPrivateCrtKey loaded = (RSAPrivateCrtKey) PemFiles.privateKey(file);
        assertThat(loaded.getModulus()).isEqualTo(key.getModulus());
        assertThat(loaded.getPrivateExponent()).isEqualTo(key.getPrivateExponent());
    }

    @Test
    void sec1EcKeyWithItsCurveAndAnEcParametersBlock() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        ECPrivateKey key = (ECPrivateKey) g.generateKeyPair().getPrivate();
        byte[] sec1 = Der.tlv(0x30, concat(Der.tlv(0x02, new byte[] {1}), Der.tlv(0x04, fixed32(key.getS())),
                Der.tlv(0xa0, Der.tlv(0x06, SECP256R1))));
        Path file = dir.resolve("ec.key");
        TestPki.writePem(file, "EC PRIVATE KEY", sec1);
        // openssl ecparam -genkey puts the curve in a block of its own first.
        Files.writeString(file, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + Files.readString(file));
        ECPrivateKey loaded = (ECPrivateKey) PemFiles.privateKey(file);
        assertThat(loaded.getS()).isEqualTo(key.getS());
    }

    @Test
    void pkcs8KeyAndCertificateChainFromTestPki() {
        TestPki pki = TestPki.create(dir);
        TestPki.Issued server = pki.issueServer("server");
        PrivateKey loaded = PemFiles.privateKey(server.keyFile());
        assertThat(loaded.getEncoded()).isEqualTo(server.key().getEncoded());
        assertThat(PemFiles.certificates(server.certFile())).containsExactly(server.certificate());
        assertThat(PemFiles.certificates(pki.caFile())).containsExactly(pki.caCertificate());
    }

    @Test
    void publicKeysAsSpkiPkcs1OrCertificate() throws Exception {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            PublicKey key = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic();
            Path file = dir.resolve(algorithm + ".pub");
            TestPki.writePem(file, "PUBLIC KEY", key.getEncoded());
            assertThat(PemFiles.publicKey(file)).isEqualTo(key);
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PublicKey rsa = g.generateKeyPair().getPublic();
        // SubjectPublicKeyInfo's BIT STRING holds the PKCS#1 key after one byte of unused-bit count.
        Der.Reader spki = new Der.Reader(rsa.getEncoded()).enter(0x30);
        spki.skip(0x30);
        byte[] bits = spki.read(0x03);
        Path pkcs1 = dir.resolve("rsa-pkcs1.pub");
        TestPki.writePem(pkcs1, "RSA PUBLIC KEY", java.util.Arrays.copyOfRange(bits, 1, bits.length));
        assertThat(PemFiles.publicKey(pkcs1)).isEqualTo(rsa);

        TestPki.Issued server = TestPki.create(dir).issueServer("server");
        assertThat(PemFiles.publicKey(server.certFile())).isEqualTo(server.certificate().getPublicKey());
        assertThatThrownBy(() -> PemFiles.publicKey(server.keyFile())).hasMessageContaining("no PEM public key");
    }

    @Test
    void badFilesAreClearErrors() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        assertThatThrownBy(() -> PemFiles.privateKey(empty)).hasMessageContaining("no PEM private key found");
        assertThatThrownBy(() -> PemFiles.certificates(empty)).hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> PemFiles.certificates(dir.resolve("missing.pem"))).hasMessageContaining("cannot read");
        Path encrypted = dir.resolve("enc.key");
        TestPki.writePem(encrypted, "ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});
        assertThatThrownBy(() -> PemFiles.privateKey(encrypted)).hasMessageContaining("encrypted private keys");
        Path garbage = dir.resolve("garbage.key");
        TestPki.writePem(garbage, "EC PRIVATE KEY", new byte[] {0x30, 0x7f, 1});
        assertThatThrownBy(() -> PemFiles.privateKey(garbage)).hasMessageContaining("malformed DER");
    }

    private static byte[] fixed32(BigInteger s) {
        byte[] raw = s.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
