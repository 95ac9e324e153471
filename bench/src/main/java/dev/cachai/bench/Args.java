package dev.cachai.bench;

import dev.cachai.bench.load.EtcdClientKind;
import dev.cachai.bench.load.LoadSettings;
import dev.cachai.bench.load.ZkClientKind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} options after a sub-command; every option has a default. */
public final class Args {
    private final Map<String, String> values = new HashMap<>();

    public Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public int integer(String name, int fallback) {
        return has(name) ? Math.toIntExact(number(name, values.get(name))) : fallback;
    }

    public long longValue(String name, long fallback) {
        return has(name) ? number(name, values.get(name)) : fallback;
    }

    /** The option's value as a number, or an error that names the option. */
    private static long number(String name, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a number, got \"" + text + "\"");
        }
    }

    public List<String> list(String name, List<String> fallback) {
        return has(name) ? Arrays.asList(values.get(name).split(",")) : fallback;
    }

    public Duration duration(String name, Duration fallback) {
        return has(name) ? parseDuration(values.get(name)) : fallback;
    }

    /** "500ms", "10s", "2m". */
    static Duration parseDuration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        char unit = text.charAt(text.length() - 1);
        if (unit == 's') {
            return Duration.ofSeconds(amount);
        }
        if (unit == 'm') {
            return Duration.ofMinutes(amount);
        }
        throw new IllegalArgumentException("duration needs ms, s or m: " + text);
    }

    LoadSettings loadSettings() {
        LoadSettings d = LoadSettings.defaults();
        List<Integer> clients = new ArrayList<>();
        for (String c : list("clients", List.of())) {
            clients.add(Math.toIntExact(number("clients", c)));
        }
        return new LoadSettings(
                duration("warmup", d.warmup()),
                duration("duration", d.measure()),
                longValue("ops", d.opsMax()),
                clients.isEmpty() ? d.clientsLevels() : clients,
                integer("conns", d.connectionsMax()),
                integer("value-bytes", d.valueBytes()),
                integer("keys", d.keyspaceKeys()),
                duration("op-timeout", d.opTimeout()),
                has("etcd-client") ? EtcdClientKind.parse(string("etcd-client", "")) : d.etcdClient(),
                has("zk-client") ? ZkClientKind.parse(string("zk-client", "")) : d.zkClient());
    }
}
