package dev.cachai.engine.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority for TLS tests (shipped in the engine's test jar), made with
 * the JDK's keytool: a CA, then leaf certificates it signs, each written as PEM (certificate,
 * PKCS#8 key) the way etcd and ZooKeeper read them, and also returned as JDK objects.
 * EC P-256 keys keep the dozen keytool runs short.
 */
public final class TestPki {
    private static final String STORE_PASSWORD = "changeit";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    private static final String VALIDITY_DAYS = "2";

    /** One issued certificate: its PEM files and the same material as JDK objects. */
    public record Issued(Path certFile, Path keyFile, X509Certificate certificate, PrivateKey key) {
        /** The subject as ZooKeeper's x509 provider names it (RFC 2253). */
        public String subjectDn() {
            return certificate.getSubjectX500Principal().getName();
        }
    }

    private final Path dir;
    private final Path caStore;
    private final Path caFile;
    private final X509Certificate caCertificate;

    private TestPki(Path dir) {
        this.dir = dir;
        this.caStore = dir.resolve("ca.p12");
        this.caFile = dir.resolve("ca.crt");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=Cachai Test CA,O=Cachai", "-ext", "bc:c", "-validity", VALIDITY_DAYS,
                "-keystore", caStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(),
                "-storepass", STORE_PASSWORD, "-file", caFile.toString());
        this.caCertificate = readCertificates(caFile).get(0);
    }

    /** A new CA whose files live in {@code dir}. */
    public static TestPki create(Path dir) {
        return new TestPki(dir);
    }

    public Path caFile() {
        return caFile;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /**
     * A JDK TLS client context that trusts this CA and presents {@code client}'s certificate
     * (none when null).
     */
    public javax.net.ssl.SSLContext clientContext(Issued client) {
        try {
            javax.net.ssl.KeyManager[] keyManagers = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", client.key(), STORE_PASSWORD.toCharArray(),
                        new X509Certificate[] {client.certificate()});
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, STORE_PASSWORD.toCharArray());
                keyManagers = kmf.getKeyManagers();
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCertificate);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keyManagers, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a client TLS context", e);
        }
    }

    /** A server certificate for 127.0.0.1 and localhost (also usable as a client certificate). */
    public Issued issueServer(String name) {
        return issue(name, "CN=localhost,O=Cachai", "SAN=ip:127.0.0.1,dns:localhost", "EKU=serverAuth,clientAuth");
    }

    /** A client certificate with the given common name. */
    public Issued issueClient(String name, String commonName) {
        return issue(name, "CN=" + commonName + ",O=Cachai", null, "EKU=clientAuth");
    }

    private Issued issue(String name, String dname, String san, String eku) {
        Path store = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", VALIDITY_DAYS, "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", STORE_PASSWORD);
        keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", STORE_PASSWORD,
                "-file", csr.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
                caStore.toString(), "-storepass", STORE_PASSWORD, "-infile", csr.toString(),
                "-outfile", certFile.toString(), "-validity", VALIDITY_DAYS, "-ext", eku));
        if (san != null) {
            sign.addAll(List.of("-ext", san));
        }
        keytool(sign.toArray(String[]::new));
        PrivateKey key = privateKey(store, name);
        writePem(keyFile, "PRIVATE KEY", key.getEncoded());
        return new Issued(certFile, keyFile, readCertificates(certFile).get(0), key);
    }

    public static List<X509Certificate> readCertificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(Path store, String alias) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(Files.readAllBytes(store)), STORE_PASSWORD.toCharArray());
            return (PrivateKey) ks.getKey(alias, STORE_PASSWORD.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void writePem(Path file, String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        try {
            Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // A short-lived JVM: skip the optimizing compiler.
        cmd.add("-J-XX:TieredStopAtLevel=1");
        cmd.add("-noprompt");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool did not finish: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + cmd + "\n" + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
