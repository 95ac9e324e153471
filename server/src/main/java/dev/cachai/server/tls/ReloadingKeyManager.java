package dev.cachai.server.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server's certificate and key as their PEM files hold them now. etcd reads its --cert-file and
 * --key-file again on every TLS handshake, so a certificate rotated on disk (by cert-manager, for
 * one) is served to new connections without a restart; this does the same, looking at the files'
 * modification times and sizes on each handshake and loading them again when either changed. A
 * pair that does not load (a rotation half written, a key that does not match) leaves the last
 * good one in use and is logged. Choosing among key types is left to the JDK's own key manager,
 * rebuilt for each pair.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);
    private static final String ALIAS = "server";
    private static final char[] STORE_PASSWORD = "cachai".toCharArray();

    private final Path certFile;
    private final Path keyFile;
    private volatile Loaded current;

    /** One loaded pair and the file versions it came from. */
    private record Loaded(X509ExtendedKeyManager delegate, FileVersion cert, FileVersion key) {}

    private record FileVersion(long modifiedNanos, long size) {
        static FileVersion of(Path file) throws IOException {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileVersion(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size());
        }
    }

    /** Loads the pair now: a node does not start on files that do not load. */
    public ReloadingKeyManager(Path certFile, Path keyFile) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        try {
            this.current = load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + certFile + " or " + keyFile, e);
        }
    }

    /** The certificate chain served now. */
    X509Certificate[] servedChain() {
        refresh();
        return current.delegate().getCertificateChain(ALIAS);
    }

    /** The private key served now. */
    PrivateKey servedKey() {
        return current.delegate().getPrivateKey(ALIAS);
    }

    private Loaded load() throws IOException {
        FileVersion cert = FileVersion.of(certFile);
        FileVersion key = FileVersion.of(keyFile);
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey privateKey = PemFiles.privateKey(keyFile);
        requireMatch(chain.get(0), privateKey);
        return new Loaded(delegateFor(privateKey, chain), cert, key);
    }

    /** Signs with the key and verifies with the certificate: a rotation caught between its two files fails here. */
    private void requireMatch(X509Certificate cert, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448: the key type names its signature
        };
        byte[] probe = "cachai".getBytes(StandardCharsets.UTF_8);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key in " + keyFile + " does not match the certificate in "
                    + certFile + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("the key in " + keyFile + " does not match the certificate in " + certFile);
    }

    private static X509ExtendedKeyManager delegateFor(PrivateKey key, List<X509Certificate> chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, STORE_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, STORE_PASSWORD);
            return (X509ExtendedKeyManager) f.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use the key and certificate: " + e.getMessage(), e);
        }
    }

    /** Loads the files again if they changed since the pair in use was read. */
    private void refresh() {
        Loaded was = current;
        try {
            if (FileVersion.of(certFile).equals(was.cert()) && FileVersion.of(keyFile).equals(was.key())) {
                return;
            }
            current = load();
            LOG.info("serving the certificate now in {} (subject {})", certFile,
                    current.delegate().getCertificateChain(ALIAS)[0].getSubjectX500Principal().getName());
        } catch (IOException | RuntimeException e) {
            LOG.warn("keeping the certificate in use: {} and {} do not load now: {}", certFile, keyFile, e.toString());
        }
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        refresh();
        return current.delegate().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        refresh();
        return current.delegate().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return current.delegate().getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return current.delegate().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return current.delegate().getPrivateKey(alias);
    }

    /** The same pair serves dialing (a cluster member presents it to the member it dials). */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return current.delegate().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        refresh();
        return current.delegate().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        refresh();
        return current.delegate().chooseEngineClientAlias(keyType, issuers, engine);
    }
}
