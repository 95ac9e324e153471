package dev.cachai.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys in PEM files, as etcd and ZooKeeper take them. Keys may be PKCS#8
 * ("PRIVATE KEY"), PKCS#1 RSA ("RSA PRIVATE KEY", what kubeadm and openssl genrsa write) or SEC1
 * EC ("EC PRIVATE KEY", what cfssl and openssl ecparam write); encrypted keys are refused, as etcd
 * refuses them. Public keys (etcd's JWT pub-key) may be X.509 SubjectPublicKeyInfo ("PUBLIC
 * KEY", what openssl pkey -pubout writes), PKCS#1 RSA ("RSA PUBLIC KEY") or a certificate.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final long FILE_BYTES_MAX = 1 << 20;
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");

    private PemFiles() {}

    /** Every certificate in the file, in file order (a server certificate first, then intermediates). */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.type().equals("CERTIFICATE")) {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) found");
        }
        return out;
    }

    /** The first private key in the file. */
    public static PrivateKey privateKey(Path file) {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der());
                case "RSA PRIVATE KEY":
                    return pkcs8(file, Der.pkcs8FromPkcs1(b.der()));
                case "EC PRIVATE KEY":
                    return pkcs8(file, Der.pkcs8FromSec1(b.der()));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IllegalArgumentException(file + ": encrypted private keys are not supported");
                default:
                    // certificates and EC PARAMETERS may share the file
            }
        }
        throw new IllegalArgumentException(file + ": no PEM private key found");
    }

    /** The first public key in the file: a bare key or a certificate's. */
    public static PublicKey publicKey(Path file) {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PUBLIC KEY":
                    return spki(file, b.der());
                case "RSA PUBLIC KEY":
                    return spki(file, Der.spkiFromPkcs1(b.der()));
                case "CERTIFICATE":
                    return certificates(file).get(0).getPublicKey();
                default:
                    // other blocks may share the file
            }
        }
        throw new IllegalArgumentException(file + ": no PEM public key (-----BEGIN PUBLIC KEY-----) found");
    }

    /** The file's bytes as they are (etcd's HMAC secret), within the same size limit. */
    public static byte[] bytes(Path file) {
        try {
            if (Files.size(file) > FILE_BYTES_MAX) {
                throw new IllegalArgumentException(file + ": larger than " + FILE_BYTES_MAX + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static PublicKey spki(Path file, byte[] der) {
        return withFirstAlgorithm(file, "public", f -> f.generatePublic(new X509EncodedKeySpec(der)));
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        return withFirstAlgorithm(file, "private", f -> f.generatePrivate(new PKCS8EncodedKeySpec(der)));
    }

    private interface KeyDecoder<K> {
        K decode(KeyFactory factory) throws GeneralSecurityException;
    }

    /** The key as the first of RSA, EC and Ed25519 that reads it (the DER names its algorithm). */
    private static <K> K withFirstAlgorithm(Path file, String half, KeyDecoder<K> decoder) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return decoder.decode(KeyFactory.getInstance(algorithm));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(file + ": not an RSA, EC or Ed25519 " + half + " key");
    }

    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(Path file) {
        String text;
        try {
            if (Files.size(file) > FILE_BYTES_MAX) {
                throw new IllegalArgumentException(file + ": larger than " + FILE_BYTES_MAX + " bytes");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": bad base64 in a " + m.group(1) + " block", e);
            }
        }
        return out;
    }
}
