package dev.cachai.server;

import dev.cachai.server.config.ConfigLoader;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InitialClusterConfigTest {
    private static final String THREE = "a=10.0.0.1:2380,b=10.0.0.2:2380,c=10.0.0.3:2380";

    @Test
    void membersGetIdsFromTheirNamesWhateverTheOrder() {
        ServerConfig c = ConfigLoader.load(new String[] {"--name", "b", "--initial-cluster", THREE,
                "--initial-cluster-state", "existing"}, Map.of());
        assertThat(c.clustered()).isTrue();
        assertThat(c.initialCluster().existing()).isTrue();
        assertThat(c.initialCluster().self("b").peer()).isEqualTo(new HostPort("10.0.0.2", 2380));
        InitialCluster reversed = InitialCluster.parse("c=10.0.0.3:2380,b=10.0.0.2:2380,a=10.0.0.1:2380", "new");
        assertThat(reversed.self("b").id()).isEqualTo(c.initialCluster().self("b").id()).isPositive();
        assertThat(reversed.self("a").id()).isNotEqualTo(reversed.self("b").id());
        assertThat(reversed.clusterId()).isEqualTo(c.initialCluster().clusterId())
                .isNotEqualTo(InitialCluster.parse("a=h:1,b=h:2", "new").clusterId());
    }

    @Test
    void theListCanComeFromTheFileOrTheEnvironment(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("cachai.yaml");
        Files.writeString(yaml, "name: c\ninitial-cluster: " + THREE + "\n");
        ServerConfig fromFile = ConfigLoader.load(new String[] {"--config-file", yaml.toString()}, Map.of());
        assertThat(fromFile.initialCluster().members()).hasSize(3);
        ServerConfig fromEnv = ConfigLoader.load(new String[0], Map.of("CACHAI_NAME", "a",
                "CACHAI_INITIAL_CLUSTER", THREE, "CACHAI_INITIAL_CLUSTER_STATE", "existing"));
        assertThat(fromEnv.initialCluster().existing()).isTrue();
        assertThat(fromEnv.initialCluster().self("a").peer().host()).isEqualTo("10.0.0.1");
    }

    @Test
    void withoutTheListTheNodeRunsAlone() {
        ServerConfig c = ConfigLoader.load(new String[0], Map.of());
        assertThat(c.clustered()).isFalse();
        assertThat(CachaiServer.zkServerId(c)).isEmpty();
    }

    @Test
    void zooKeeperServerIdsAreDistinctPositions() {
        ServerConfig a = ConfigLoader.load(new String[] {"--name", "a", "--initial-cluster", THREE}, Map.of());
        ServerConfig c = ConfigLoader.load(new String[] {"--name", "c", "--initial-cluster", THREE}, Map.of());
        assertThat(CachaiServer.zkServerId(a)).contains(1L);
        assertThat(CachaiServer.zkServerId(c)).contains(3L);
        assertThat(CachaiServer.zkMembers(a)).hasSize(3).first().asString().startsWith("1=10.0.0.1:2380");
    }

    @Test
    void mistakesAreClearErrors() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--name", "z", "--initial-cluster", THREE}, Map.of()))
                .hasMessageContaining("does not name this node");
        assertThatThrownBy(() -> InitialCluster.parse("a=h:1,a=h:2", "new")).hasMessageContaining("twice");
        assertThatThrownBy(() -> InitialCluster.parse("a", "new")).hasMessageContaining("name=host:port");
        assertThatThrownBy(() -> InitialCluster.parse(THREE, "maybe")).hasMessageContaining("new or existing");
    }
}
