package dev.cachai.compat.zk;

import dev.cachai.compat.TempDirs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real, unchanged Kafka 3.9.1 brokers in ZooKeeper mode on Cachai, and the same scenario on a
 * real ZooKeeper 3.9.5, the oracle. Kafka leans on ZooKeeper harder than most users: brokers
 * register as ephemerals (created in a multi with a setData) and take the znode's czxid as their
 * epoch, the controller is elected through an ephemeral plus a versioned setData of the epoch
 * znode in one multi, every controller write is a multi guarded by a check of that znode's
 * version, and partition state lives in znodes the controller rewrites on every failure.
 *
 * <p>The brokers serve a replicated topic and a consumer group, then the controller fails three
 * ways in turn (stopped, killed, paused past its session timeout). After each, the other broker
 * must be controller with a higher epoch, lead every partition with an ISR of one, and serve
 * records and committed offsets, as seen both through Kafka's Admin API and in the znodes.
 */
class KafkaBrokerTest {
    /** Kafka creates its chroot itself, through a second session without the chroot. */
    private static final String CHROOT = "/kafka";
    private static final String IDS = CHROOT + "/brokers/ids";
    private static final String CONTROLLER = CHROOT + "/controller";
    private static final String CONTROLLER_EPOCH = CHROOT + "/controller_epoch";
    private static final String TOPIC = "orders";
    private static final String OFFSETS_TOPIC = "__consumer_offsets";
    private static final String GROUP = "order-readers";
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_ROUND = 300;
    private static final int WAIT_S = 30;
    /** Calls inside a bounded wait: one that hangs is given up and asked again, not waited for to the end. */
    private static final int CALL_S = 5;
    /** Session timeout plus the server's expiry tick, with room for a loaded machine. */
    private static final Duration EXPIRY_WAIT = Duration.ofMillis(KafkaBroker.SESSION_TIMEOUT_MS * 4L);

    private static final Pattern BROKER_ID = Pattern.compile("\"brokerid\":(\\d+)");
    private static final Pattern LEADER = Pattern.compile("\"leader\":(-?\\d+)");
    private static final Pattern ISR = Pattern.compile("\"isr\":\\[([\\d,]*)]");
    private static final Pattern PARTITION_MAP = Pattern.compile("\"partitions\":\\{([^}]*)}");
    private static final Pattern REPLICAS = Pattern.compile("\"(\\d+)\":\\[([\\d,]*)]");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cachai", "zookeeper"})
    void brokersFailOverWhenTheControllerStopsDiesOrSleeps(String targetName) throws Exception {
        Path root = Files.createTempDirectory("kafka-brokers");
        try (ZkTargets.Target target = targetName.equals("cachai") ? ZkTargets.cachai() : ZkTargets.realZooKeeper()) {
            Map<Integer, KafkaBroker> brokers = new TreeMap<>();
            try {
                run(target, brokers, root);
            } catch (Exception | AssertionError e) {
                String logs = brokers.values().stream().map(KafkaBroker::logTail).collect(Collectors.joining("\n"));
                throw new AssertionError(target.name() + ": " + e.getMessage() + "\n" + logs, e);
            } finally {
                brokers.values().forEach(KafkaBroker::close);
            }
        } finally {
            TempDirs.deleteTree(root);
        }
    }

    private static void run(ZkTargets.Target target, Map<Integer, KafkaBroker> brokers, Path root) throws Exception {
        try (ZooKeeper zk = ZkClients.connect(target.connectString(), 10_000, null)) {
            assertThat(zk.exists(CHROOT, false)).as("chroot before the brokers start").isNull();
            for (int id : List.of(1, 2)) {
                brokers.put(id, KafkaBroker.launch(id, target.connectString() + CHROOT, root.resolve("broker-" + id)));
            }
            for (KafkaBroker b : brokers.values()) {
                b.awaitStarted();
            }
            try (Admin admin = admin(brokers)) {
                awaitLiveBrokers(admin, Set.of(1, 2));
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 2))).all().get(WAIT_S, TimeUnit.SECONDS);
                roundTrip(brokers, admin, 0);
                checkRegistry(zk, admin, brokers);
            }
            stopController(zk, brokers);
            killController(zk, brokers);
            pauseController(zk, brokers);
        }
    }

    /** SIGTERM: Kafka hands its leaderships over and closes its session, which removes its ephemerals at once. */
    private static void stopController(ZooKeeper zk, Map<Integer, KafkaBroker> brokers) throws Exception {
        try (Admin admin = admin(brokers)) {
            int stopped = controllerOf(zk);
            int epoch = controllerEpoch(zk);
            brokers.get(stopped).stop();
            assertThat(zk.exists(IDS + "/" + stopped, false)).as("registration after a clean stop").isNull();
            awaitTakeOver(zk, admin, otherThan(stopped), epoch);
            roundTrip(brokers, admin, 1);
        }
    }

    /** SIGKILL: nothing closes the session, so the dead broker's ephemerals stay until it expires. */
    private static void killController(ZooKeeper zk, Map<Integer, KafkaBroker> brokers) throws Exception {
        restartDownBrokers(brokers);
        // A new Admin: an older one may know only a restarted broker's previous port.
        try (Admin admin = admin(brokers)) {
            awaitReplicasInSync(admin);
            int killed = controllerOf(zk);
            int epoch = controllerEpoch(zk);
            long session = zk.exists(IDS + "/" + killed, false).getEphemeralOwner();
            brokers.get(killed).kill();
            Stat registration = zk.exists(IDS + "/" + killed, false);
            assertThat(registration).as("a killed broker's registration before its session expires").isNotNull();
            assertThat(registration.getEphemeralOwner()).isEqualTo(session);
            awaitExpired(zk, killed);
            awaitTakeOver(zk, admin, otherThan(killed), epoch);
            roundTrip(brokers, admin, 2);
        }
    }

    /**
     * SIGSTOP past the session timeout: the controller sleeps through its own expiry and the
     * other broker takes over. Once woken, its client learns that the session is gone, and
     * Kafka resigns, opens a new session and registers again with a new broker epoch (the
     * znode's czxid), as a follower.
     */
    private static void pauseController(ZooKeeper zk, Map<Integer, KafkaBroker> brokers) throws Exception {
        restartDownBrokers(brokers);
        try (Admin admin = admin(brokers)) {
            awaitReplicasInSync(admin);
            int paused = controllerOf(zk);
            int epoch = controllerEpoch(zk);
            Stat before = zk.exists(IDS + "/" + paused, false);
            brokers.get(paused).pause();
            try {
                awaitExpired(zk, paused);
                awaitTakeOver(zk, admin, otherThan(paused), epoch);
            } finally {
                brokers.get(paused).resume();
            }
            await("broker " + paused + " registered again").atMost(Duration.ofSeconds(WAIT_S))
                    .pollInterval(Duration.ofMillis(100)).until(() -> zk.exists(IDS + "/" + paused, false) != null);
            Stat again = zk.exists(IDS + "/" + paused, false);
            assertThat(again.getEphemeralOwner()).as("session of the new registration")
                    .isNotIn(0L, before.getEphemeralOwner());
            assertThat(again.getCzxid()).as("broker epoch of the new registration").isGreaterThan(before.getCzxid());
            assertThat(controllerOf(zk)).as("controller once the paused broker is back").isEqualTo(otherThan(paused));
            awaitReplicasInSync(admin);
            roundTrip(brokers, admin, 3);
        }
    }

    private static void restartDownBrokers(Map<Integer, KafkaBroker> brokers) throws IOException {
        for (KafkaBroker b : brokers.values()) {
            if (!b.running()) {
                b.restart();
            }
        }
    }

    private static void awaitExpired(ZooKeeper zk, int broker) {
        await("session of broker " + broker + " expired").atMost(EXPIRY_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> zk.exists(IDS + "/" + broker, false) == null);
    }

    /** A frozen broker holds requests sent to it: give up on them soon and ask the other. */
    private static Admin admin(Map<Integer, KafkaBroker> brokers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(brokers),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, CALL_S * 1000));
    }

    private static int otherThan(int id) {
        return id == 1 ? 2 : 1;
    }

    private static String bootstrap(Map<Integer, KafkaBroker> brokers) {
        return brokers.values().stream().filter(KafkaBroker::running).map(KafkaBroker::bootstrap)
                .collect(Collectors.joining(","));
    }

    private static void awaitLiveBrokers(Admin admin, Set<Integer> ids) {
        await("brokers " + ids + " in the cluster").atMost(Duration.ofSeconds(WAIT_S)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> admin.describeCluster().nodes().get(CALL_S, TimeUnit.SECONDS).stream()
                        .map(Node::id).collect(Collectors.toSet()).equals(ids));
    }

    /**
     * The znodes Kafka keeps: both registrations as ephemerals, the controller's in the same
     * session as its registration, and the topic's assignment and partition states as the
     * brokers report them.
     */
    private static void checkRegistry(ZooKeeper zk, Admin admin, Map<Integer, KafkaBroker> brokers) throws Exception {
        assertThat(zk.getChildren(IDS, false)).containsExactlyInAnyOrder("1", "2");
        for (KafkaBroker b : brokers.values()) {
            Stat stat = new Stat();
            String registration = read(zk, IDS + "/" + b.id(), stat);
            assertThat(stat.getEphemeralOwner()).as("owner of broker %d's registration", b.id()).isNotZero();
            assertThat(registration).contains("PLAINTEXT://" + b.bootstrap());
        }
        Stat controllerStat = new Stat();
        int controller = number(BROKER_ID, read(zk, CONTROLLER, controllerStat));
        assertThat(controllerStat.getEphemeralOwner()).as("the controller znode's session is its broker's")
                .isEqualTo(zk.exists(IDS + "/" + controller, false).getEphemeralOwner());
        assertThat(admin.describeCluster().controller().get(WAIT_S, TimeUnit.SECONDS).id()).isEqualTo(controller);

        Matcher partitionMap = PARTITION_MAP.matcher(read(zk, CHROOT + "/brokers/topics/" + TOPIC, new Stat()));
        assertThat(partitionMap.find()).as("partition map of %s", TOPIC).isTrue();
        Map<Integer, List<Integer>> assigned = new TreeMap<>();
        Matcher replicas = REPLICAS.matcher(partitionMap.group(1));
        while (replicas.find()) {
            assigned.put(Integer.parseInt(replicas.group(1)), ids(replicas.group(2)));
        }
        List<TopicPartitionInfo> partitions = describe(admin, TOPIC).partitions();
        assertThat(assigned).as("assignment in ZooKeeper vs brokers' view").isEqualTo(partitions.stream()
                .collect(Collectors.toMap(TopicPartitionInfo::partition, p -> nodeIds(p.replicas()), (a, b) -> a, TreeMap::new)));
        for (TopicPartitionInfo p : partitions) {
            assertThat(p.replicas()).hasSize(2);
            String state = read(zk, partitionState(p.partition()), new Stat());
            assertThat(number(LEADER, state)).as("leader of partition %d", p.partition()).isEqualTo(p.leader().id());
            assertThat(isr(state)).as("ISR of partition %d", p.partition()).isEqualTo(nodeIds(p.isr()));
        }
    }

    /**
     * The survivor is elected controller with a higher epoch, and (as controller) moves every
     * leader to itself and drops the other broker from every ISR, in ZooKeeper and in what the
     * brokers report.
     */
    private static void awaitTakeOver(ZooKeeper zk, Admin admin, int survivor, int epochBefore) throws Exception {
        Duration wait = Duration.ofSeconds(WAIT_S);
        await("only broker " + survivor + " registered").atMost(wait).pollInterval(Duration.ofMillis(100))
                .until(() -> zk.getChildren(IDS, false).equals(List.of(Integer.toString(survivor))));
        await("broker " + survivor + " controller").atMost(wait).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> controllerOf(zk) == survivor);
        assertThat(controllerEpoch(zk)).as("controller epoch").isGreaterThan(epochBefore);
        await("leaders of " + TOPIC + " moved to broker " + survivor).atMost(wait).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().untilAsserted(() -> {
                    for (TopicPartitionInfo p : describe(admin, TOPIC).partitions()) {
                        assertThat(p.leader().id()).as("leader of partition %d", p.partition()).isEqualTo(survivor);
                        assertThat(nodeIds(p.isr())).as("ISR of partition %d", p.partition()).containsExactly(survivor);
                        String state = read(zk, partitionState(p.partition()), new Stat());
                        assertThat(number(LEADER, state)).as("leader in %s", state).isEqualTo(survivor);
                        assertThat(isr(state)).as("ISR in %s", state).containsExactly(survivor);
                    }
                });
    }

    /** Before a broker may die, the other must hold a copy of everything, group offsets included. */
    private static void awaitReplicasInSync(Admin admin) {
        await("every ISR back to two brokers").atMost(Duration.ofSeconds(WAIT_S)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().untilAsserted(() -> {
                    for (String topic : List.of(TOPIC, OFFSETS_TOPIC)) {
                        for (TopicPartitionInfo p : describe(admin, topic).partitions()) {
                            assertThat(p.isr()).as("ISR of %s-%d", topic, p.partition()).hasSize(2);
                        }
                    }
                });
    }

    /**
     * Produces a round of records with acks=all (which a lone broker meets: min.insync.replicas is
     * one), reads them back in the group, which resumes from the offsets committed in earlier
     * rounds, and commits.
     */
    private static void roundTrip(Map<Integer, KafkaBroker> brokers, Admin admin, int round) throws Exception {
        String bootstrap = bootstrap(brokers);
        Map<Integer, List<String>> sent = new TreeMap<>();
        Map<Integer, Long> endOffsets = new TreeMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, WAIT_S * 1000), new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_ROUND; i++) {
                String value = round + "-" + i;
                values.add(value);
                acks.add(producer.send(new ProducerRecord<>(TOPIC, "key-" + i, value)));
            }
            for (int i = 0; i < acks.size(); i++) {
                RecordMetadata m = acks.get(i).get(WAIT_S, TimeUnit.SECONDS);
                Long previous = endOffsets.put(m.partition(), m.offset() + 1);
                assertThat(previous == null || previous <= m.offset()).as("offsets follow the send order").isTrue();
                sent.computeIfAbsent(m.partition(), k -> new ArrayList<>()).add(values.get(i));
            }
        }

        Map<Integer, List<String>> received = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            await("round " + round + " consumed").atMost(Duration.ofSeconds(WAIT_S)).pollInSameThread()
                    .pollInterval(Duration.ofMillis(1)).until(() -> {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            received.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.value());
                        }
                        return received.values().stream().mapToInt(List::size).sum() >= RECORDS_PER_ROUND;
                    });
            consumer.commitSync(Duration.ofSeconds(WAIT_S));
        }
        assertThat(received).as("round %d per partition, in order", round).isEqualTo(sent);

        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(WAIT_S, TimeUnit.SECONDS);
        endOffsets.forEach((partition, end) -> assertThat(committed.get(new TopicPartition(TOPIC, partition)).offset())
                .as("committed offset of partition %d", partition).isEqualTo(end));
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(CALL_S, TimeUnit.SECONDS).get(topic);
    }

    private static int controllerOf(ZooKeeper zk) throws Exception {
        return number(BROKER_ID, read(zk, CONTROLLER, new Stat()));
    }

    private static int controllerEpoch(ZooKeeper zk) throws Exception {
        return Integer.parseInt(read(zk, CONTROLLER_EPOCH, new Stat()).trim());
    }

    private static String partitionState(int partition) {
        return CHROOT + "/brokers/topics/" + TOPIC + "/partitions/" + partition + "/state";
    }

    private static String read(ZooKeeper zk, String path, Stat stat) throws Exception {
        return new String(zk.getData(path, false, stat), StandardCharsets.UTF_8);
    }

    private static int number(Pattern field, String json) {
        Matcher m = field.matcher(json);
        assertThat(m.find()).as("%s in %s", field, json).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static List<Integer> isr(String state) {
        Matcher m = ISR.matcher(state);
        assertThat(m.find()).as("isr in %s", state).isTrue();
        return ids(m.group(1));
    }

    private static List<Integer> ids(String commaSeparated) {
        return commaSeparated.isEmpty() ? List.of()
                : List.of(commaSeparated.split(",")).stream().map(Integer::parseInt).toList();
    }

    private static List<Integer> nodeIds(Collection<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }
}
