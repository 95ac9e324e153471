package dev.cachai.compat.zk;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secured Kafka 3.9.1 broker: it logs in to ZooKeeper with SASL DIGEST-MD5 and makes its znodes
 * with ACLs (zookeeper.set.acl=true), so anyone may read them and only its user may change them.
 * On ZooKeeper 3.9.5 with its SASL provider and on the Cachai jar, both given the same JAAS file,
 * the broker starts and takes a topic, and the znodes carry the same ACLs and refuse the same
 * writes of a client without credentials.
 */
class KafkaZkSaslTest {
    private static final String JAAS = """
            Server { org.apache.zookeeper.server.auth.DigestLoginModule required user_kafka="kafka-secret"; };
            Client { org.apache.zookeeper.server.auth.DigestLoginModule required username="kafka" password="kafka-secret"; };
            """;
    private static final String CHROOT = "/kafka";
    private static final String TOPIC = "secured";
    private static final List<String> ZNODES = List.of(CHROOT, CHROOT + "/brokers/ids/1", CHROOT + "/brokers/topics/" + TOPIC,
            CHROOT + "/controller", CHROOT + "/config/topics/" + TOPIC, CHROOT + "/cluster/id");
    private static final int WAIT_S = 60;

    @TempDir
    Path dir;

    @Test
    void aBrokerLoggingInWithSaslProtectsItsZnodesOnCachaiAsOnZooKeeper() throws Exception {
        Path jaas = Files.writeString(dir.resolve("jaas.conf"), JAAS);
        int[] run = {0};
        List<String> expected = ZkSaslDifferentialTest.sameOnBoth(dir, jaas,
                connect -> scenario(connect, jaas, dir.resolve("run-" + ++run[0])));
        assertThat(expected).contains(CHROOT + "/brokers/ids/1: [31 sasl:kafka, 1 world:anyone]",
                "anonymous setData " + CHROOT + "/brokers/topics/" + TOPIC + ": NOAUTH");
    }

    /** Starts the broker, makes the topic, and lists what a client without credentials sees. */
    private static List<String> scenario(String connect, Path jaas, Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        try (KafkaBroker broker = KafkaBroker.launch(1, connect + CHROOT, dir.resolve("broker-1"), jaas)) {
            broker.awaitStarted();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(WAIT_S, TimeUnit.SECONDS);
            }
            try (ZooKeeper anonymous = ZkClients.connect(connect, 10_000, null)) {
                for (String path : ZNODES) {
                    out.add(path + ": " + describe(anonymous.getACL(path, null)));
                }
                String topic = CHROOT + "/brokers/topics/" + TOPIC;
                out.add("anonymous reads " + topic + ": " + (anonymous.getData(topic, false, null).length > 0));
                out.add("anonymous setData " + topic + ": " + outcome(() ->
                        anonymous.setData(topic, "{}".getBytes(StandardCharsets.UTF_8), -1)));
                out.add("anonymous creates under " + CHROOT + "/brokers/ids: " + outcome(() ->
                        anonymous.create(CHROOT + "/brokers/ids/9", new byte[0],
                                org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, org.apache.zookeeper.CreateMode.EPHEMERAL)));
            }
        }
        return out;
    }

    private static String describe(List<ACL> acl) {
        return acl.stream().map(a -> a.getPerms() + " " + a.getId().getScheme() + ":" + a.getId().getId()).toList().toString();
    }

    private interface Write {
        Object run() throws Exception;
    }

    private static String outcome(Write write) throws Exception {
        try {
            write.run();
            return "done";
        } catch (KeeperException e) {
            return e.code().name();
        }
    }
}
