package dev.cachai.zk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DIGEST-MD5 as ZooKeeper's client runs it (the JDK's SASL client, digest-uri zookeeper/zk-sasl-md5). */
class SaslDigestUsersTest {
    @TempDir
    Path dir;

    private SaslDigestUsers users() throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), """
                Server {
                    org.apache.zookeeper.server.auth.DigestLoginModule required
                    user_super="adminsecret"
                    user_bob="bobsecret";
                };
                Client {
                    org.apache.zookeeper.server.auth.DigestLoginModule required
                    username="bob" password="bobsecret";
                };
                """);
        return SaslDigestUsers.fromJaasFile(jaas, "Server", Set.of("bob"));
    }

    @Test
    void aKnownUserCompletesTheExchangeUnderItsName() throws Exception {
        SaslDigestUsers users = users();
        SaslServer server = users.newServer();
        assertThat(exchange(server, "bob", "bobsecret")).isTrue();
        assertThat(server.getAuthorizationID()).isEqualTo("bob");
        assertThat(users.isSuperUser("bob")).isTrue();
        assertThat(users.isSuperUser("super")).isFalse();
    }

    @Test
    void aWrongPasswordOrAnUnknownUserFails() throws Exception {
        SaslDigestUsers users = users();
        assertThatThrownBy(() -> exchange(users.newServer(), "bob", "wrong")).isInstanceOf(SaslException.class);
        assertThatThrownBy(() -> exchange(users.newServer(), "eve", "bobsecret")).isInstanceOf(SaslException.class);
    }

    @Test
    void noSectionNoFileAndSuperUserProperties() throws Exception {
        Path jaas = Files.writeString(dir.resolve("other.conf"), "Other { x required; };\n");
        assertThat(SaslDigestUsers.fromJaasFile(jaas, "Server", Set.of()).enabled()).isFalse();
        assertThatThrownBy(() -> SaslDigestUsers.fromJaasFile(dir.resolve("missing.conf"), "Server", Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be read");
        Path broken = Files.writeString(dir.resolve("broken.conf"), "Server { unterminated");
        assertThatThrownBy(() -> SaslDigestUsers.fromJaasFile(broken, "Server", Set.of()).enabled())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not parse");
        Properties p = new Properties();
        p.setProperty("zookeeper.superUser", "alice");
        p.setProperty("zookeeper.superUser.2", "carol");
        p.setProperty("zookeeper.superUserX", "not one");
        assertThat(SaslDigestUsers.superUsersOf(p)).containsExactlyInAnyOrder("alice", "carol");
    }

    /** Runs client and server to the end; true when both completed. */
    private static boolean exchange(SaslServer server, String user, String password) throws SaslException {
        SaslClient client = Sasl.createSaslClient(new String[] {"DIGEST-MD5"}, user, "zookeeper", "zk-sasl-md5",
                Map.of(), callbacks -> {
                    for (var c : callbacks) {
                        if (c instanceof NameCallback n) {
                            n.setName(user);
                        } else if (c instanceof PasswordCallback pc) {
                            pc.setPassword(password.toCharArray());
                        } else if (c instanceof RealmCallback r) {
                            r.setText(r.getDefaultText());
                        }
                    }
                });
        byte[] token = client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0];
        while (!server.isComplete()) {
            byte[] challenge = server.evaluateResponse(token);
            if (server.isComplete()) {
                client.evaluateChallenge(challenge);
                break;
            }
            token = client.evaluateChallenge(challenge);
        }
        return server.isComplete() && client.isComplete();
    }
}
