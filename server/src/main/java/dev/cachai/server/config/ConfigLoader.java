package dev.cachai.server.config;

import dev.cachai.etcd.auth.AuthTokenOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads settings from a YAML file ({@code --config-file} or CACHAI_CONFIG_FILE), environment
 * variables (CACHAI_DATA_DIR, ...) and command-line options ({@code --data-dir DIR} or
 * {@code --data-dir=DIR}); later sources win. Unknown settings are errors, not silently ignored.
 */
public final class ConfigLoader {
    static final List<String> KEYS = List.of("name", "data-dir", "zk-listen", "etcd-listen", "peer-listen",
            "zk-tick-time-ms", "etcd-version", "zk-extended-types", "zk-super-digest", "zk-4lw-whitelist",
            "initial-cluster", "initial-cluster-state", "zk-max-client-cnxns", "zk-reconfig-enabled",
            "etcd-cert-file", "etcd-key-file", "etcd-trusted-ca-file", "etcd-client-cert-auth",
            "zk-secure-listen", "zk-cert-file", "zk-key-file", "zk-trusted-ca-file", "zk-client-cert-auth",
            "zk-x509-super-user", "etcd-auth-token", "zk-enforce-quota", "auth-token-ttl", "auto-compaction-mode",
            "auto-compaction-retention", "advertise-client-urls", "peer-cert-file", "peer-key-file",
            "peer-trusted-ca-file", "peer-client-cert-auth");
    /** etcd's own spellings of its TLS and auth flags, so an etcd command line carries over. */
    static final Map<String, String> ALIASES = Map.of("cert-file", "etcd-cert-file", "key-file", "etcd-key-file",
            "trusted-ca-file", "etcd-trusted-ca-file", "client-cert-auth", "etcd-client-cert-auth",
            "auth-token", "etcd-auth-token");
    /** Switches that, as in etcd, may stand alone on the command line ({@code --client-cert-auth}). */
    private static final List<String> SWITCHES = List.of("etcd-client-cert-auth", "peer-client-cert-auth");
    private static final String CONFIG_FILE = "config-file";

    private ConfigLoader() {}

    public static ServerConfig load(String[] args, Map<String, String> env) {
        Map<String, String> cli = parseArgs(args);
        Map<String, String> settings = new LinkedHashMap<>();
        String file = cli.getOrDefault(CONFIG_FILE, env.get(envName(CONFIG_FILE)));
        if (file != null) {
            settings.putAll(readYaml(Path.of(file)));
        }
        for (String key : KEYS) {
            String v = env.get(envName(key));
            if (v != null) {
                settings.put(key, v);
            }
        }
        cli.remove(CONFIG_FILE);
        settings.putAll(cli);
        return build(settings);
    }

    static String envName(String key) {
        return "CACHAI_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = canonical(key.substring(0, eq));
            } else if (SWITCHES.contains(canonical(key)) && (i + 1 == args.length || args[i + 1].startsWith("--"))) {
                key = canonical(key);
                value = "true";
            } else if (i + 1 < args.length) {
                key = canonical(key);
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + key + " needs a value");
            }
            requireKnown(key, true);
            out.put(key, value);
        }
        return out;
    }

    private static String canonical(String key) {
        return ALIASES.getOrDefault(key, key);
    }

    private static void requireKnown(String key, boolean allowConfigFile) {
        if (!KEYS.contains(key) && !(allowConfigFile && key.equals(CONFIG_FILE))) {
            throw new IllegalArgumentException("unknown setting '" + key + "'; known: " + KEYS + " and " + CONFIG_FILE);
        }
    }

    private static Map<String, String> readYaml(Path file) {
        try (Reader r = Files.newBufferedReader(file)) {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            Map<String, String> out = new LinkedHashMap<>();
            if (doc == null) {
                return out;
            }
            if (!(doc instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("config file " + file + " must be a YAML mapping");
            }
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = canonical(String.valueOf(e.getKey()));
                requireKnown(key, false);
                out.put(key, String.valueOf(e.getValue()));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    private static ServerConfig build(Map<String, String> s) {
        ServerConfig d = ServerConfig.defaults();
        return new ServerConfig(
                s.getOrDefault("name", d.name()),
                s.containsKey("data-dir") ? Path.of(s.get("data-dir")) : d.dataDir(),
                s.containsKey("zk-listen") ? HostPort.parse(s.get("zk-listen")) : d.zkListen(),
                s.containsKey("etcd-listen") ? HostPort.parse(s.get("etcd-listen")) : d.etcdListen(),
                s.containsKey("peer-listen") ? HostPort.parse(s.get("peer-listen")) : d.peerListen(),
                s.containsKey("zk-tick-time-ms") ? parseInt(s, "zk-tick-time-ms") : d.zkTickTimeMs(),
                s.getOrDefault("etcd-version", d.etcdVersion()),
                s.containsKey("zk-extended-types") ? Boolean.parseBoolean(s.get("zk-extended-types")) : d.zkExtendedTypes(),
                s.getOrDefault("zk-super-digest", d.zkSuperDigest()),
                s.getOrDefault("zk-4lw-whitelist", d.zk4lwWhitelist()),
                InitialCluster.parse(s.get("initial-cluster"), s.get("initial-cluster-state")),
                s.containsKey("zk-max-client-cnxns") ? parseInt(s, "zk-max-client-cnxns") : d.zkMaxClientCnxns(),
                s.containsKey("zk-reconfig-enabled") ? parseBoolean(s, "zk-reconfig-enabled") : d.zkReconfigEnabled(),
                clientTls(s),
                authToken(s),
                s.containsKey("zk-enforce-quota") ? parseBoolean(s, "zk-enforce-quota") : d.zkEnforceQuota(),
                authTokenTtlSeconds(s), autoCompaction(s), AdvertisedUrls.parse(s.get("advertise-client-urls")),
                new PeerTlsFiles(path(s, "peer-cert-file"), path(s, "peer-key-file"), path(s, "peer-trusted-ca-file"),
                        s.containsKey("peer-client-cert-auth") && parseBoolean(s, "peer-client-cert-auth")));
    }

    /** etcd's --auth-token-ttl is an unsigned number of seconds, and 0 means its default. */
    private static long authTokenTtlSeconds(Map<String, String> s) {
        String v = s.get("auth-token-ttl");
        if (v == null) {
            return ServerConfig.AUTH_TOKEN_TTL_SECONDS_DEFAULT;
        }
        String t = v.trim().replaceFirst("^0+(?=[0-9])", "");
        if (!t.matches("[0-9]{1,18}") || Long.parseLong(t) > ServerConfig.AUTH_TOKEN_TTL_SECONDS_MAX) {
            throw new IllegalArgumentException("auth-token-ttl must be a number of seconds from 0 (etcd's default, "
                    + ServerConfig.AUTH_TOKEN_TTL_SECONDS_DEFAULT + ") to " + ServerConfig.AUTH_TOKEN_TTL_SECONDS_MAX
                    + ", got '" + v + "'");
        }
        long seconds = Long.parseLong(t);
        return seconds == 0 ? ServerConfig.AUTH_TOKEN_TTL_SECONDS_DEFAULT : seconds;
    }

    private static AutoCompaction autoCompaction(Map<String, String> s) {
        return AutoCompaction.parse(s.get("auto-compaction-mode"), s.get("auto-compaction-retention"));
    }

    private static AuthTokenOptions authToken(Map<String, String> s) {
        String v = s.get("etcd-auth-token");
        if (v == null) {
            return AuthTokenOptions.SIMPLE;
        }
        try {
            return AuthTokenOptions.parse(v.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("etcd-auth-token: " + e.getMessage(), e);
        }
    }

    private static ClientTls clientTls(Map<String, String> s) {
        return new ClientTls(path(s, "etcd-cert-file"), path(s, "etcd-key-file"), path(s, "etcd-trusted-ca-file"),
                s.containsKey("etcd-client-cert-auth") && parseBoolean(s, "etcd-client-cert-auth"),
                s.containsKey("zk-secure-listen") ? HostPort.parse(s.get("zk-secure-listen")) : null,
                path(s, "zk-cert-file"), path(s, "zk-key-file"), path(s, "zk-trusted-ca-file"),
                s.get("zk-client-cert-auth"), s.get("zk-x509-super-user"));
    }

    private static Path path(Map<String, String> s, String key) {
        String v = s.get(key);
        return v == null || v.isBlank() ? null : Path.of(v.trim());
    }

    private static boolean parseBoolean(Map<String, String> s, String key) {
        String v = s.get(key).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + s.get(key) + "'");
        }
        return v.equals("true");
    }

    private static int parseInt(Map<String, String> s, String key) {
        try {
            return Integer.parseInt(s.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + s.get(key) + "'");
        }
    }
}
