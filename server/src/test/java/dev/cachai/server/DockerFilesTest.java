package dev.cachai.server;

import dev.cachai.server.config.ClusterMember;
import dev.cachai.server.config.ConfigLoader;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docker/ files are not run here (no Docker engine), so their options are checked against
 * the server's: each compose service's command line (the image's entrypoint arguments, then the
 * service's) and environment must load, and describe the member the service is.
 */
class DockerFilesTest {
    private static final Path DOCKER = Path.of("..", "docker");
    private static final String JAR = "/opt/cachai/cachai-server.jar";

    @Test
    void everyComposeServiceStartsAsTheMemberItNames() throws IOException {
        List<String> entrypoint = entrypointArguments();
        Map<String, Map<String, Object>> services = services();
        assertThat(services).hasSize(3);
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            String name = service.getKey();
            List<String> args = new ArrayList<>(entrypoint);
            args.addAll(strings(service.getValue().get("command")));
            ServerConfig c = ConfigLoader.load(args.toArray(String[]::new), environment(service.getValue()));
            assertThat(c.name()).isEqualTo(name);
            assertThat(c.etcdListen()).isEqualTo(new HostPort("0.0.0.0", 2379));
            assertThat(c.initialCluster().members()).extracting(ClusterMember::name)
                    .containsExactlyInAnyOrderElementsOf(services.keySet());
            assertThat(c.advertiseClientUrls()).as("what MemberList tells clients of %s", name)
                    .containsExactly("http://" + name + ":2379");
        }
    }

    /** The arguments the image's ENTRYPOINT passes after the jar. */
    private static List<String> entrypointArguments() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile")).replace("\\\n", " ");
        String line = dockerfile.lines().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        List<String> command = strings(yaml().load(line.substring("ENTRYPOINT".length())));
        return command.subList(command.indexOf(JAR) + 1, command.size());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        Map<String, Object> compose = yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
        return new LinkedHashMap<>((Map<String, Map<String, Object>>) compose.get("services"));
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object declared = service.get("environment");
        if (declared instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        }
        return env;
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            l.forEach(o -> out.add(String.valueOf(o)));
        }
        return out;
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }
}
