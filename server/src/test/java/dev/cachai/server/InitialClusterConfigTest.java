package dev.cachai.server;

import dev.cachai.server.cluster.ClusterBoot;
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
    void withoutTheListTheNodeIsAClusterOfOneNamedDefault() {
        ServerConfig c = ConfigLoader.load(new String[0], Map.of());
        assertThat(c.clustered()).isFalse();
        InitialCluster alone = ClusterBoot.effectiveCluster(c);
        assertThat(alone.members()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("default");
            assertThat(m.peer()).isEqualTo(new HostPort("127.0.0.1", 2380));
        });
        assertThat(alone.existing()).isFalse();
    }

    @Test
    void zooKeeperReconfigurationIsOffUnlessAsked() {
        assertThat(ConfigLoader.load(new String[0], Map.of()).zkReconfigEnabled()).isFalse();
        assertThat(ConfigLoader.load(new String[] {"--zk-reconfig-enabled", "true"}, Map.of()).zkReconfigEnabled())
                .isTrue();
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--zk-reconfig-enabled", "yes"}, Map.of()))
                .hasMessageContaining("true or false");
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
