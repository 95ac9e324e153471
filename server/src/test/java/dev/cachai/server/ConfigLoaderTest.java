package dev.cachai.server;

import dev.cachai.etcd.auth.AuthTokenOptions;
import dev.cachai.etcd.auth.jwt.JwtSignMethod;
import dev.cachai.server.config.AutoCompaction;
import dev.cachai.server.config.ClientTls;
import dev.cachai.server.config.ConfigLoader;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.PeerTlsFiles;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @Test
    void defaultsMatchTheReadme() {
        ServerConfig c = ConfigLoader.load(new String[0], Map.of());
        assertThat(c.dataDir()).isEqualTo(Path.of("data"));
        assertThat(c.zkListen()).isEqualTo(new HostPort("127.0.0.1", 2181));
        assertThat(c.etcdListen()).isEqualTo(new HostPort("127.0.0.1", 2379));
        assertThat(c.peerListen()).isEqualTo(new HostPort("127.0.0.1", 2380));
        assertThat(c.zkMaxClientCnxns()).isEqualTo(60);
        assertThat(ConfigLoader.load(new String[] {"--zk-max-client-cnxns", "0"}, Map.of()).zkMaxClientCnxns()).isZero();
    }

    @Test
    void zooKeeperQuotasAreEnforcedOnlyWhenAsked() {
        assertThat(ConfigLoader.load(new String[0], Map.of()).zkEnforceQuota()).isFalse();
        assertThat(ConfigLoader.load(new String[] {"--zk-enforce-quota", "true"}, Map.of()).zkEnforceQuota()).isTrue();
        assertThat(ConfigLoader.load(new String[0], Map.of("CACHAI_ZK_ENFORCE_QUOTA", "true")).zkEnforceQuota()).isTrue();
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--zk-enforce-quota", "1"}, Map.of()))
                .hasMessageContaining("zk-enforce-quota must be true or false");
    }

    @Test
    void commandLineBeatsEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("cachai.yaml");
        Files.writeString(yaml, "name: from-file\ndata-dir: /from/file\nzk-listen: 0.0.0.0:3000\n");
        ServerConfig c = ConfigLoader.load(
                new String[] {"--config-file", yaml.toString(), "--zk-listen=127.0.0.1:4000"},
                Map.of("CACHAI_DATA_DIR", "/from/env", "CACHAI_ETCD_LISTEN", "127.0.0.1:5000"));
        assertThat(c.name()).isEqualTo("from-file");
        assertThat(c.dataDir()).isEqualTo(Path.of("/from/env"));
        assertThat(c.zkListen().port()).isEqualTo(4000);
        assertThat(c.etcdListen().port()).isEqualTo(5000);
    }

    @Test
    void badInputIsAClearError(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--bogus", "1"}, Map.of()))
                .hasMessageContaining("unknown setting 'bogus'");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--zk-listen"}, Map.of()))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--zk-listen", "nohost"}, Map.of()))
                .hasMessageContaining("HOST:PORT");
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "- a\n- b\n");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--config-file", yaml.toString()}, Map.of()))
                .hasMessageContaining("YAML mapping");
    }

    @Test
    void advertisedClientUrlsAreCommaSeparatedAndCheckedAsEtcdChecksThem() {
        assertThat(ConfigLoader.load(new String[0], Map.of()).advertiseClientUrls()).isEmpty();
        assertThat(ConfigLoader.load(new String[] {"--advertise-client-urls", "http://a:2379, https://b.example:2479"},
                Map.of()).advertiseClientUrls()).containsExactly("http://a:2379", "https://b.example:2479");
        assertThat(ConfigLoader.load(new String[0], Map.of("CACHAI_ADVERTISE_CLIENT_URLS", "http://c:1"))
                .advertiseClientUrls()).containsExactly("http://c:1");
        refusesAdvertised("ftp://a:1", "URL scheme must be http or https: ftp://a:1");
        refusesAdvertised("http://a", "URL address does not have the form \"host:port\": http://a");
        refusesAdvertised("http://a:1/v3", "URL must not contain a path: http://a:1/v3");
        refusesAdvertised("http://a:1,", "URL scheme must be http or https: ");
    }

    private static void refusesAdvertised(String urls, String reason) {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--advertise-client-urls", urls}, Map.of()))
                .hasMessage("advertise-client-urls: " + reason);
    }

    @Test
    void tlsSettingsTakeCachaiAndEtcdSpellings(@TempDir Path dir) throws Exception {
        ServerConfig etcdStyle = ConfigLoader.load(new String[] {"--cert-file", "/p/server.crt", "--key-file=/p/server.key",
                "--client-cert-auth", "--trusted-ca-file", "/p/ca.crt"}, Map.of());
        assertThat(etcdStyle.clientTls().etcdCertFile()).isEqualTo(Path.of("/p/server.crt"));
        assertThat(etcdStyle.clientTls().etcdKeyFile()).isEqualTo(Path.of("/p/server.key"));
        assertThat(etcdStyle.clientTls().etcdTrustedCaFile()).isEqualTo(Path.of("/p/ca.crt"));
        assertThat(etcdStyle.clientTls().etcdClientCertAuth()).isTrue();
        assertThat(ConfigLoader.load(new String[0], Map.of()).clientTls()).isEqualTo(ClientTls.NONE);

        Path yaml = dir.resolve("tls.yaml");
        Files.writeString(yaml, "zk-secure-listen: 127.0.0.1:2281\nzk-cert-file: /z/s.crt\nzk-key-file: /z/s.key\n"
                + "zk-trusted-ca-file: /z/ca.crt\ncert-file: /e/s.crt\nkey-file: /e/s.key\n");
        ServerConfig c = ConfigLoader.load(new String[] {"--config-file", yaml.toString(),
                "--zk-x509-super-user", "CN=admin,O=Ops"},
                Map.of("CACHAI_ZK_CLIENT_CERT_AUTH", "Want", "CACHAI_ETCD_CLIENT_CERT_AUTH", "false"));
        assertThat(c.clientTls().zkSecureListen()).isEqualTo(new HostPort("127.0.0.1", 2281));
        assertThat(c.clientTls().zkX509SuperUser()).isEqualTo("CN=admin,O=Ops");
        assertThat(c.clientTls().zkClientCertAuth()).isEqualTo("want");
        assertThat(c.clientTls().etcdCertFile()).isEqualTo(Path.of("/e/s.crt"));
        assertThat(c.clientTls().etcdClientCertAuth()).isFalse();
    }

    @Test
    void authTokenTakesEtcdsFlagAndSyntax(@TempDir Path dir) throws Exception {
        assertThat(ConfigLoader.load(new String[0], Map.of()).etcdAuthToken()).isEqualTo(AuthTokenOptions.SIMPLE);
        ServerConfig jwt = ConfigLoader.load(new String[] {"--auth-token", "jwt,priv-key=/k/priv.pem,sign-method=RS512,ttl=10m"},
                Map.of());
        assertThat(jwt.etcdAuthToken().signMethod()).isEqualTo(JwtSignMethod.RS512);
        assertThat(jwt.etcdAuthToken().privateKeyFile()).isEqualTo(Path.of("/k/priv.pem"));
        assertThat(jwt.etcdAuthToken().ttl()).isEqualTo(Duration.ofMinutes(10));
        Path yaml = Files.writeString(dir.resolve("c.yaml"), "auth-token: jwt,pub-key=/k/pub.pem,sign-method=ES256\n");
        assertThat(ConfigLoader.load(new String[] {"--config-file", yaml.toString()}, Map.of()).etcdAuthToken().publicKeyFile())
                .isEqualTo(Path.of("/k/pub.pem"));
        assertThat(ConfigLoader.load(new String[0], Map.of("CACHAI_ETCD_AUTH_TOKEN", "jwt,sign-method=HS256,priv-key=/s"))
                .etcdAuthToken().signMethod()).isEqualTo(JwtSignMethod.HS256);
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--auth-token", "jwt,sign-method=XX1"}, Map.of()))
                .hasMessageStartingWith("etcd-auth-token: auth: invalid auth options (unknown sign-method 'XX1'");
    }

    @Test
    void peerTlsTakesEtcdsFlags() {
        ServerConfig c = ConfigLoader.load(new String[] {"--peer-cert-file", "/p/m.crt", "--peer-key-file", "/p/m.key",
                "--peer-trusted-ca-file", "/p/ca.crt", "--peer-client-cert-auth"}, Map.of());
        assertThat(c.peerTls()).isEqualTo(new PeerTlsFiles(Path.of("/p/m.crt"), Path.of("/p/m.key"), Path.of("/p/ca.crt"), true));
        assertThat(ConfigLoader.load(new String[0], Map.of()).peerTls().enabled()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--peer-cert-file", "/p/m.crt"}, Map.of()))
                .hasMessageContaining("peer-cert-file and peer-key-file go together");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--peer-cert-file", "/p/m.crt", "--peer-key-file", "/k"},
                Map.of())).hasMessageContaining("peer-cert-file needs peer-trusted-ca-file");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--peer-client-cert-auth"}, Map.of()))
                .hasMessageContaining("need peer-cert-file and peer-key-file");
    }

    @Test
    void incompleteTlsSettingsAreClearErrors() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--etcd-cert-file", "/a"}, Map.of()))
                .hasMessageContaining("etcd-cert-file and etcd-key-file go together");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--etcd-cert-file", "/a", "--etcd-key-file", "/b",
                "--etcd-client-cert-auth", "true"}, Map.of()))
                .hasMessageContaining("etcd-client-cert-auth needs etcd-trusted-ca-file");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--zk-secure-listen", "127.0.0.1:2281"}, Map.of()))
                .hasMessageContaining("zk-secure-listen needs zk-cert-file and zk-key-file");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--zk-x509-super-user", "CN=admin"}, Map.of()))
                .hasMessageContaining("zk-x509-super-user needs zk-secure-listen and zk-trusted-ca-file");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--zk-client-cert-auth", "maybe"}, Map.of()))
                .hasMessageContaining("need, want or none");
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--client-cert-auth", "yes"}, Map.of()))
                .hasMessageContaining("must be true or false");
    }

    @Test
    void authTokenTtlIsEtcdsUnsignedSecondsWithZeroMeaningTheDefault(@TempDir Path dir) throws Exception {
        assertThat(ConfigLoader.load(new String[0], Map.of()).etcdAuthTokenTtlSeconds()).isEqualTo(300);
        assertThat(ConfigLoader.load(new String[] {"--auth-token-ttl", "60"}, Map.of()).etcdAuthTokenTtlSeconds())
                .isEqualTo(60);
        assertThat(ConfigLoader.load(new String[] {"--auth-token-ttl=0"}, Map.of()).etcdAuthTokenTtlSeconds())
                .as("etcd's simple tokens take 0 for their default").isEqualTo(300);
        assertThat(ConfigLoader.load(new String[0], Map.of("CACHAI_AUTH_TOKEN_TTL", "45")).etcdAuthTokenTtlSeconds())
                .isEqualTo(45);
        Path yaml = Files.writeString(dir.resolve("ttl.yaml"), "auth-token-ttl: 1200\n");
        assertThat(ConfigLoader.load(new String[] {"--config-file", yaml.toString()}, Map.of()).etcdAuthTokenTtlSeconds())
                .isEqualTo(1200);
        for (String bad : new String[] {"-1", "5m", "", "1.5", "99999999999"}) {
            assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--auth-token-ttl", bad}, Map.of()))
                    .as(bad).hasMessageStartingWith("auth-token-ttl must be a number of seconds");
        }
    }

    @Test
    void autoCompactionTakesEtcdsModesAndRetentions(@TempDir Path dir) throws Exception {
        assertThat(ConfigLoader.load(new String[0], Map.of()).autoCompaction()).isEqualTo(AutoCompaction.OFF);
        assertThat(compaction("revision", "1000")).isEqualTo(new AutoCompaction.Revisions(1000));
        assertThat(compaction("revision", "0")).isEqualTo(AutoCompaction.OFF);
        assertThat(compaction("periodic", "1")).as("a bare number is hours").isEqualTo(new AutoCompaction.Periodic(3_600_000));
        assertThat(compaction("periodic", "30m")).isEqualTo(new AutoCompaction.Periodic(1_800_000));
        assertThat(compaction("periodic", "1h30m")).isEqualTo(new AutoCompaction.Periodic(5_400_000));
        assertThat(compaction("periodic", "0s")).isEqualTo(AutoCompaction.OFF);
        assertThat(ConfigLoader.load(new String[] {"--auto-compaction-retention", "2h"}, Map.of()).autoCompaction())
                .as("the mode defaults to periodic, as etcd's flag").isEqualTo(new AutoCompaction.Periodic(7_200_000));
        assertThat(ConfigLoader.load(new String[0], Map.of("CACHAI_AUTO_COMPACTION_MODE", "revision",
                "CACHAI_AUTO_COMPACTION_RETENTION", "5")).autoCompaction()).isEqualTo(new AutoCompaction.Revisions(5));
        Path yaml = Files.writeString(dir.resolve("c.yaml"), "auto-compaction-mode: periodic\nauto-compaction-retention: 10m\n");
        assertThat(ConfigLoader.load(new String[] {"--config-file", yaml.toString()}, Map.of()).autoCompaction())
                .isEqualTo(new AutoCompaction.Periodic(600_000));
    }

    @Test
    void badAutoCompactionOptionsStopTheStartNamingTheOption() {
        assertThatThrownBy(() -> compaction("hourly", "1")).hasMessage(
                "unknown auto-compaction-mode \"hourly\" (periodic or revision)");
        assertThatThrownBy(() -> compaction("periodic", "soon")).hasMessage(
                "auto-compaction-retention: error parsing CompactionRetention: time: invalid duration \"soon\"");
        assertThatThrownBy(() -> compaction("periodic", "-1h"))
                .hasMessageStartingWith("auto-compaction-retention: a periodic window must not be negative");
        assertThatThrownBy(() -> compaction("periodic", "5ms"))
                .hasMessageStartingWith("auto-compaction-retention: a periodic window must be at least 10ms");
        assertThatThrownBy(() -> compaction("periodic", "9999999"))
                .hasMessageContaining("longer than a Go duration holds");
        for (String bad : new String[] {"1h", "-5", "ten"}) {
            assertThatThrownBy(() -> compaction("revision", bad)).as(bad)
                    .hasMessageStartingWith("auto-compaction-retention: in revision mode it is a number of revisions");
        }
    }

    private static AutoCompaction compaction(String mode, String retention) {
        return ConfigLoader.load(new String[] {"--auto-compaction-mode", mode, "--auto-compaction-retention", retention},
                Map.of()).autoCompaction();
    }
}
