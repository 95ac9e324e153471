package dev.cachai.compat.etcd;

import dev.cachai.engine.testing.TestPki;
import dev.cachai.etcd.auth.AuthTokenOptions;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.ServerConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --auth-token jwt,...}: a real etcd and Cachai started with the same flags and the same
 * throwaway key files (generated here) must print the same through etcdctl and the HTTP gateway,
 * and each must accept the tokens the other signs (same key, same auth history).
 */
class JwtDifferentialTest {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final long CALL_TIMEOUT_SECONDS = 10;
    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
    private static final Pattern ERROR_BODY = Pattern.compile("\\{\"error\":\"(?<error>[^\"]*)\",(?:"
            + "\"message\":\"\\k<error>\",\"code\":(?<code>\\d+)|\"code\":(?<code2>\\d+),\"message\":\"\\k<error>\")}");

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(HTTP_TIMEOUT).build();

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "PS384", "ES256", "ES512", "HS256"})
    void etcdctlAndTokensMatchARealEtcd(String method) throws Exception {
        String option = "jwt," + keyOptions(method, true) + ",sign-method=" + method + ",ttl=5m";
        try (Targets.Target etcd = Targets.realEtcd("http", List.of("--auth-token", option));
             CachaiServer cachai = cachai(option)) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            String cachaiUrl = "http://127.0.0.1:" + cachai.etcdPort();
            List<String> expected = script(etcd.endpoint());
            assertThat(script(cachaiUrl)).containsExactlyElementsOf(expected);

            assertThat(range(cachaiUrl, authenticate(etcd.endpoint(), "alice", "alicepw")))
                    .as("Cachai accepts etcd's token").contains("\"kvs\"");
            assertThat(range(etcd.endpoint(), authenticate(cachaiUrl, "alice", "alicepw")))
                    .as("etcd accepts Cachai's token").contains("\"kvs\"");
        }
    }

    @Test
    void aNodeWithOnlyThePublicKeyAnswersAsEtcdDoes() throws Exception {
        String option = "jwt," + keyOptions("ES384", false) + ",sign-method=ES384";
        assertThat(sameOnBoth(option, JwtDifferentialTest::verifyOnlyScript))
                .contains("Error: rpc error: code = Unknown desc = auth: token signing attempted with verify-only key");
    }

    @Test
    void jetcdAuthenticatesAgainWhenAnAuthChangeMakesItsTokenOld() throws Exception {
        String option = "jwt," + keyOptions("ES256", true) + ",sign-method=ES256";
        assertThat(sameOnBoth(option, JwtDifferentialTest::jetcdScript))
                .containsExactly("put ok", "get 1", "bob added", "get after the change 2");
    }

    private interface Script {
        List<String> run(String endpoint) throws Exception;
    }

    /** What the script printed against a real etcd, after checking Cachai prints the same. */
    private List<String> sameOnBoth(String authTokenOption, Script script) throws Exception {
        List<String> expected;
        try (Targets.Target etcd = Targets.realEtcd("http", List.of("--auth-token", authTokenOption))) {
            assertThat(etcd).as("real etcd installed (Debian etcd-server)").isNotNull();
            expected = script.run(etcd.endpoint());
        }
        try (CachaiServer cachai = cachai(authTokenOption)) {
            assertThat(script.run("http://127.0.0.1:" + cachai.etcdPort())).containsExactlyElementsOf(expected);
        }
        return expected;
    }

    /** A jetcd client keeps working across an auth change: its token turns old, it signs in again. */
    private static List<String> jetcdScript(String endpoint) throws Exception {
        Etcdctl ctl = new Etcdctl(endpoint);
        ctl.run("user", "add", "root", "--new-user-password=rootpw");
        ctl.run("user", "grant-role", "root", "root");
        ctl.run("auth", "enable");
        List<String> out = new ArrayList<>();
        ByteSequence key = bs("k");
        try (Client root = Client.builder().endpoints(endpoint).user(bs("root")).password(bs("rootpw")).build()) {
            root.getKVClient().put(key, bs("1")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            out.add("put ok");
            out.add("get " + value(root, key));
            root.getAuthClient().userAdd(bs("bob"), bs("bobpw")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            out.add("bob added");
            root.getKVClient().put(key, bs("2")).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            out.add("get after the change " + value(root, key));
        }
        return out;
    }

    private static String value(Client client, ByteSequence key) throws Exception {
        return client.getKVClient().get(key).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS).getKvs().get(0).getValue()
                .toString(StandardCharsets.UTF_8);
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** etcdctl as an operator uses it with --user, then raw tokens over the gateway. */
    private List<String> script(String endpoint) throws Exception {
        Etcdctl ctl = new Etcdctl(endpoint);
        List<String> out = new ArrayList<>();
        out.add(ctl.run("user", "add", "root", "--new-user-password=rootpw"));
        out.add(ctl.run("user", "grant-role", "root", "root"));
        out.add(ctl.run("role", "add", "app"));
        out.add(ctl.run("role", "grant-permission", "app", "readwrite", "app/", "--prefix=true"));
        out.add(ctl.run("user", "add", "alice", "--new-user-password=alicepw"));
        out.add(ctl.run("user", "grant-role", "alice", "app"));
        out.add(ctl.run("auth", "enable"));
        out.add(ctl.run("--user=root:rootpw", "put", "app/a", "1"));
        out.add(ctl.run("--user=alice:alicepw", "get", "app/a"));
        out.add(ctl.run("--user=alice:alicepw", "put", "other", "x"));
        out.add(ctl.run("--user=alice:wrong", "get", "app/a"));
        out.add(ctl.run("get", "app/a"));
        out.add(ctl.run("--user=root:rootpw", "user", "list"));

        String token = authenticate(endpoint, "alice", "alicepw");
        String[] parts = token.split("\\.");
        out.add("header " + decode(parts[0]));
        out.add("claims " + decode(parts[1]).replaceAll("\"exp\":\\d+", "\"exp\":N"));
        out.add("range " + withoutHeader(range(endpoint, token)));
        out.add("garbage " + range(endpoint, "garbage"));
        out.add("tampered " + range(endpoint, parts[0] + "." + parts[1] + "." + parts[2].substring(4) + "AAAA"));
        out.add(ctl.run("--user=root:rootpw", "user", "add", "bob", "--new-user-password=bobpw"));
        out.add("old token " + range(endpoint, token));
        out.add("old token put " + post(endpoint, "/v3/kv/put", token, "{\"key\":\"" + b64("app/b") + "\"}"));
        out.add("new token " + withoutHeader(range(endpoint, authenticate(endpoint, "alice", "alicepw"))));
        return out;
    }

    private static List<String> verifyOnlyScript(String endpoint) throws Exception {
        Etcdctl ctl = new Etcdctl(endpoint);
        List<String> out = new ArrayList<>();
        out.add(ctl.run("user", "add", "root", "--new-user-password=rootpw"));
        out.add(ctl.run("user", "grant-role", "root", "root"));
        out.add(ctl.run("auth", "enable"));
        out.add(ctl.run("--user=root:rootpw", "get", "k"));
        out.add(ctl.run("--user=root:wrong", "get", "k"));
        return out;
    }

    /** Key files for the method, written as PEM: a key pair, or for HS* a secret file. */
    private String keyOptions(String method, boolean withPrivateKey) throws Exception {
        Path priv = dir.resolve(method + "-priv.pem");
        Path pub = dir.resolve(method + "-pub.pem");
        if (method.startsWith("HS")) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.writeString(priv, HexFormat.of().formatHex(secret) + "\n");
            return "priv-key=" + priv;
        }
        KeyPair pair = keyPair(method);
        TestPki.writePem(pub, "PUBLIC KEY", pair.getPublic().getEncoded());
        if (!withPrivateKey) {
            return "pub-key=" + pub;
        }
        TestPki.writePem(priv, "PRIVATE KEY", pair.getPrivate().getEncoded());
        return "pub-key=" + pub + ",priv-key=" + priv;
    }

    private static KeyPair keyPair(String method) throws Exception {
        if (method.startsWith("ES")) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            int bits = Integer.parseInt(method.substring(2));
            g.initialize(new ECGenParameterSpec("secp" + (bits == 512 ? 521 : bits) + "r1"));
            return g.generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private CachaiServer cachai(String option) throws Exception {
        Path data = Files.createTempDirectory(dir, "cachai");
        return CachaiServer.start(ServerConfig.ephemeral(data).withEtcdAuthToken(AuthTokenOptions.parse(option)));
    }

    private String authenticate(String endpoint, String user, String password) throws Exception {
        String body = post(endpoint, "/v3/auth/authenticate", null,
                "{\"name\":\"" + user + "\",\"password\":\"" + password + "\"}");
        Matcher m = TOKEN.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    private String range(String endpoint, String token) throws Exception {
        return post(endpoint, "/v3/kv/range", token, "{\"key\":\"" + b64("app/a") + "\"}");
    }

    private String post(String endpoint, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(HTTP_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", token);
        }
        return inFieldOrder(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body().trim());
    }

    /**
     * An error body with its fields in one order: etcd 3.4's gateway writes error, message, code;
     * 3.5's (and Cachai's) error, code, message. JSON objects have no order, clients none either.
     */
    private static String inFieldOrder(String body) {
        Matcher m = ERROR_BODY.matcher(body);
        if (!m.matches()) {
            return body;
        }
        return "error " + (m.group("code") != null ? m.group("code") : m.group("code2")) + " " + m.group("error");
    }

    /** Response headers carry cluster and member ids, which differ between the two servers. */
    private static String withoutHeader(String body) {
        return body.replaceAll("\"header\":\\{[^}]*},?", "");
    }

    private static String decode(String segment) {
        return new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
