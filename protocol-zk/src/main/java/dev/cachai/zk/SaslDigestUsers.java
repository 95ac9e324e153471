package dev.cachai.zk;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * ZooKeeper's SASL DIGEST-MD5 users, configured as ZooKeeper reads them: the JAAS file named by
 * {@code java.security.auth.login.config}, its section {@code Server} (or the one named by
 * {@code zookeeper.sasl.serverconfig}), whose DigestLoginModule options {@code user_NAME="password"}
 * list the users. A client that completes DIGEST-MD5 holds the id {@code sasl:NAME}; the names in
 * {@code zookeeper.superUser} (and {@code zookeeper.superUser.*}) are super users too, and the user
 * named super may read and write any node with a sasl ACL. Without a JAAS file there are none and
 * SASL is refused as by a server without it.
 */
public final class SaslDigestUsers {
    static final String JAAS_FILE_PROPERTY = "java.security.auth.login.config";
    static final String SECTION_PROPERTY = "zookeeper.sasl.serverconfig";
    static final String SECTION_DEFAULT = "Server";
    static final String SUPER_USER_PROPERTY = "zookeeper.superUser";
    /** The password of the user named super, over the JAAS file's, as in ZooKeeper. */
    static final String SUPER_PASSWORD_PROPERTY = "zookeeper.SASLAuthenticationProvider.superPassword";
    static final String SUPER_NAME = "super";
    private static final String USER_OPTION_PREFIX = "user_";
    /** The protocol and server name ZooKeeper's client puts in its digest-uri ("zookeeper/zk-sasl-md5"). */
    static final String PROTOCOL = "zookeeper";
    static final String SERVER_NAME = "zk-sasl-md5";
    static final String MECHANISM = "DIGEST-MD5";

    public static final SaslDigestUsers NONE = new SaslDigestUsers(Map.of(), Set.of());

    private final Map<String, String> passwords;
    private final Set<String> superUsers;

    SaslDigestUsers(Map<String, String> passwords, Set<String> superUsers) {
        this.passwords = Map.copyOf(passwords);
        this.superUsers = Set.copyOf(superUsers);
    }

    /** The users of this JVM's JAAS configuration, as ZooKeeper's server finds them. */
    public static SaslDigestUsers fromSystemProperties() {
        Properties p = System.getProperties();
        String file = p.getProperty(JAAS_FILE_PROPERTY);
        if (file == null) {
            return NONE;
        }
        SaslDigestUsers users = fromJaasFile(Path.of(file), p.getProperty(SECTION_PROPERTY, SECTION_DEFAULT),
                superUsersOf(p));
        String superPassword = p.getProperty(SUPER_PASSWORD_PROPERTY);
        if (superPassword == null || !users.enabled()) {
            return users;
        }
        Map<String, String> withSuper = new HashMap<>(users.passwords);
        withSuper.put(SUPER_NAME, superPassword);
        return new SaslDigestUsers(withSuper, users.superUsers);
    }

    static Set<String> superUsersOf(Properties p) {
        Set<String> out = new HashSet<>();
        for (String k : p.stringPropertyNames()) {
            if (k.equals(SUPER_USER_PROPERTY) || k.startsWith(SUPER_USER_PROPERTY + ".")) {
                out.add(p.getProperty(k));
            }
        }
        return out;
    }

    /** The section's users; a file that is missing or does not parse fails the start, with its reason. */
    static SaslDigestUsers fromJaasFile(Path file, String section, Set<String> superUsers) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("JAAS file " + file + " (" + JAAS_FILE_PROPERTY + ") cannot be read");
        }
        Configuration jaas;
        try {
            jaas = Configuration.getInstance("JavaLoginConfig", new URIParameter(file.toUri()));
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            throw new IllegalArgumentException("JAAS file " + file + " does not parse: " + e.getMessage(), e);
        }
        AppConfigurationEntry[] entries = jaas.getAppConfigurationEntry(section);
        if (entries == null) {
            return NONE; // ZooKeeper, too, runs without SASL when its section is absent
        }
        Map<String, String> passwords = new HashMap<>();
        for (AppConfigurationEntry e : entries) {
            e.getOptions().forEach((k, v) -> {
                if (k.startsWith(USER_OPTION_PREFIX) && v instanceof String password) {
                    passwords.put(k.substring(USER_OPTION_PREFIX.length()), password);
                }
            });
        }
        return new SaslDigestUsers(passwords, superUsers);
    }

    boolean enabled() {
        return !passwords.isEmpty();
    }

    boolean isSuperUser(String name) {
        return superUsers.contains(name);
    }

    /** A DIGEST-MD5 server for one connection's exchange. */
    SaslServer newServer() throws SaslException {
        SaslServer s = Sasl.createSaslServer(MECHANISM, PROTOCOL, SERVER_NAME, Map.of(Sasl.QOP, "auth"), this::handle);
        if (s == null) {
            throw new SaslException("no " + MECHANISM + " SASL server in this JVM");
        }
        return s;
    }

    /**
     * The JDK's DIGEST-MD5 server asks for the user's name, then its password (an unknown user
     * gets none, so the exchange fails), the realm, and whether the authenticated user may act as
     * itself: as in ZooKeeper, it may, under its own name.
     */
    private void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        String user = null;
        for (Callback c : callbacks) {
            if (c instanceof NameCallback n) {
                user = n.getDefaultName();
                n.setName(user);
            } else if (c instanceof PasswordCallback pc) {
                String password = user == null ? null : passwords.get(user);
                if (password != null) {
                    pc.setPassword(password.toCharArray());
                }
            } else if (c instanceof RealmCallback r) {
                r.setText(r.getDefaultText());
            } else if (c instanceof AuthorizeCallback a) {
                a.setAuthorized(true); // ZooKeeper's rule: the user acts under its own name, whatever it asked
                a.setAuthorizedID(a.getAuthenticationID());
            } else {
                throw new UnsupportedCallbackException(c);
            }
        }
    }
}
