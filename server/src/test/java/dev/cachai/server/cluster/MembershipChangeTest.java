package dev.cachai.server.cluster;

import dev.cachai.engine.ClusterInfo;
import dev.cachai.engine.Engine;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.server.CachaiServer;
import dev.cachai.server.config.HostPort;
import dev.cachai.server.config.InitialCluster;
import dev.cachai.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.cachai.engine.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A single node grows to three through etcd-style membership changes, new nodes join with
 * {@code existing}, leadership moves, a member leaves, and the membership survives restarts.
 */
class MembershipChangeTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<CachaiServer> running = new ArrayList<>();

    private static int freePort() {
        return dev.cachai.netty.FreeLoopbackPorts.next();
    }

    private static ServerConfig node(Path root, String name, int peerPort, InitialCluster cluster) {
        ServerConfig base = ServerConfig.ephemeral(root.resolve(name));
        return new ServerConfig(name, base.dataDir(), base.zkListen(), base.etcdListen(),
                new HostPort("127.0.0.1", peerPort), base.zkTickTimeMs(), base.etcdVersion(), base.zkExtendedTypes(),
                base.zkSuperDigest(), base.zk4lwWhitelist(), cluster);
    }

    private CachaiServer start(ServerConfig config) {
        CachaiServer server = CachaiServer.start(config);
        running.add(server);
        return server;
    }

    private void stop(CachaiServer server) {
        running.remove(server);
        server.close();
    }

    private static ClusterInfo info(CachaiServer server) {
        return server.gateway().cluster().orElseThrow();
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(20, TimeUnit.SECONDS);
    }

    private static EtcdError errorOf(CompletableFuture<?> future) {
        Throwable cause = org.assertj.core.api.Assertions.catchThrowable(() -> future.get(20, TimeUnit.SECONDS));
        assertThat(cause).isInstanceOf(ExecutionException.class);
        assertThat(cause.getCause()).isInstanceOf(GatewayException.class);
        return ((GatewayException) cause.getCause()).error();
    }

    private static long count(Engine engine, String prefix) throws Exception {
        return engine.range(RangeRequest.prefix(utf8(prefix))).kvs().size();
    }

    private static void put(CachaiServer server, String key) throws Exception {
        get(server.gateway().propose(Put.of(utf8(key), utf8("v"))));
    }

    private static CachaiServer leaderOf(List<CachaiServer> nodes) {
        await().atMost(WAIT).until(() -> nodes.stream().anyMatch(n -> info(n).isLeader()));
        return nodes.stream().filter(n -> info(n).isLeader()).findFirst().orElseThrow();
    }

    private static void awaitPublished(CachaiServer server) {
        await().atMost(WAIT).until(() -> info(server).members().stream()
                .anyMatch(m -> m.id() == info(server).localId() && !m.name().isEmpty() && !m.clientUrls().isEmpty()));
    }

    private static void awaitVoters(CachaiServer server, int voters) {
        await().atMost(WAIT).until(() -> info(server).members().stream().filter(m -> !m.learner()).count() == voters
                && server.cluster().orElseThrow().members().membership().voters().size() == voters);
    }

    @Test
    void aSingleNodeGrowsToThreeMovesLeadershipLosesAMemberAndRestarts(@TempDir Path tmp) throws Exception {
        int pa = freePort();
        int pb = freePort();
        int pc = freePort();
        ServerConfig aConfig = node(tmp, "a", pa, InitialCluster.NONE);
        CachaiServer a = start(aConfig);
        put(a, "k/1");
        awaitPublished(a);
        assertThat(info(a).members()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("a");
            assertThat(m.peerUrls()).containsExactly("http://127.0.0.1:" + pa);
            assertThat(m.learner()).isFalse();
        });

        // etcd: member add b (a voter), then start b with the member list it printed.
        ClusterInfo.MemberAdded addedB = get(info(a).addMember(List.of("http://127.0.0.1:" + pb), false, 0, ""));
        assertThat(addedB.member().learner()).isFalse();
        assertThat(addedB.members()).hasSize(2);
        assertThat(errorOf(info(a).addMember(List.of("http://127.0.0.1:" + pb), true, 0, "")))
                .isEqualTo(EtcdError.PEER_URL_EXIST);
        ServerConfig bConfig = node(tmp, "b", pb, InitialCluster.parse(
                "a=127.0.0.1:" + pa + ",b=127.0.0.1:" + pb, "existing"));
        CachaiServer b = start(bConfig);
        assertThat(info(b).localId()).isEqualTo(addedB.member().id());
        assertThat(count(b.gateway().engine(), "k/")).isEqualTo(1);
        awaitVoters(a, 2);
        awaitPublished(b);

        // c joins as a learner: it cannot be promoted before it runs and has caught up.
        ClusterInfo.MemberAdded addedC = get(info(a).addMember(List.of("http://127.0.0.1:" + pc), true, 0, ""));
        long c = addedC.member().id();
        assertThat(addedC.member().learner()).isTrue();
        assertThat(errorOf(info(a).promoteMember(c))).isEqualTo(EtcdError.LEARNER_NOT_READY);
        assertThat(errorOf(info(a).addMember(List.of("http://127.0.0.1:" + freePort()), true, 0, "")))
                .isEqualTo(EtcdError.TOO_MANY_LEARNERS);
        ServerConfig cConfig = node(tmp, "c", pc, InitialCluster.parse(
                "a=127.0.0.1:" + pa + ",b=127.0.0.1:" + pb + ",c=127.0.0.1:" + pc, "existing"));
        CachaiServer cNode = start(cConfig);
        assertThat(info(a).members()).filteredOn(m -> m.id() == c).singleElement()
                .satisfies(m -> assertThat(m.learner()).isTrue());
        await().atMost(WAIT).until(() -> {
            try {
                get(info(b).promoteMember(c)); // from a follower: forwarded to the leader
                return true;
            } catch (ExecutionException e) {
                return ((GatewayException) e.getCause()).error() != EtcdError.LEARNER_NOT_READY ? rethrow(e) : false;
            }
        });
        awaitVoters(cNode, 3);
        assertThat(errorOf(info(a).promoteMember(c))).isEqualTo(EtcdError.MEMBER_NOT_LEARNER);
        assertThat(errorOf(info(a).promoteMember(12345))).isEqualTo(EtcdError.MEMBER_NOT_FOUND);
        assertThat(errorOf(info(b).removeMember(12345))).isEqualTo(EtcdError.MEMBER_NOT_FOUND);
        put(cNode, "k/2");
        await().atMost(WAIT).until(() -> count(a.gateway().engine(), "k/") == 2 && count(cNode.gateway().engine(), "k/") == 2);
        awaitPublished(cNode);
        assertThat(info(b).members()).hasSize(3).allSatisfy(m -> {
            assertThat(m.name()).isNotEmpty();
            assertThat(m.clientUrls()).isNotEmpty();
            assertThat(m.zkServerId()).isPositive();
        });
        assertThat(info(a).members().stream().map(ClusterInfo.Member::zkServerId).distinct()).hasSize(3);

        // MoveLeader: only the leader moves it, to a voting member.
        List<CachaiServer> all = List.of(a, b, cNode);
        CachaiServer leader = leaderOf(all);
        CachaiServer follower = all.stream().filter(n -> n != leader).findFirst().orElseThrow();
        assertThat(errorOf(info(follower).moveLeader(info(leader).localId()))).isEqualTo(EtcdError.NOT_LEADER);
        assertThat(errorOf(info(leader).moveLeader(12345))).isEqualTo(EtcdError.BAD_LEADER_TRANSFEREE);
        get(info(leader).moveLeader(c));
        await().atMost(WAIT).until(() -> info(a).leaderId() == c && info(b).leaderId() == c);

        // a leaves; the two left keep writing.
        List<ClusterInfo.Member> afterRemove = get(info(cNode).removeMember(info(a).localId()));
        assertThat(afterRemove).hasSize(2);
        await().atMost(WAIT).until(() -> !a.healthy());
        stop(a);
        put(b, "k/3");
        await().atMost(WAIT).until(() -> count(cNode.gateway().engine(), "k/") == 3);

        // Every node restarts from its data dir with the membership it had.
        stop(b);
        stop(cNode);
        CachaiServer b2 = start(bConfig);
        CachaiServer c2 = start(cConfig);
        leaderOf(List.of(b2, c2));
        assertThat(info(b2).localId()).isEqualTo(addedB.member().id());
        assertThat(info(c2).members()).extracting(ClusterInfo.Member::id)
                .containsExactlyInAnyOrder(addedB.member().id(), c);
        put(c2, "k/4");
        await().atMost(WAIT).until(() -> count(b2.gateway().engine(), "k/") == 4);
    }

    private static boolean rethrow(Exception e) {
        throw new AssertionError(e);
    }

    @Test
    void aSingleMemberCannotRemoveItselfAndMovesItsOwnPeerUrl(@TempDir Path tmp) throws Exception {
        int pa = freePort();
        CachaiServer a = start(node(tmp, "a", pa, InitialCluster.NONE));
        awaitPublished(a);
        assertThat(errorOf(info(a).removeMember(info(a).localId()))).isEqualTo(EtcdError.MEMBER_NOT_ENOUGH_STARTED);
        assertThat(errorOf(info(a).updateMember(777, List.of("http://127.0.0.1:1")))).isEqualTo(EtcdError.MEMBER_NOT_FOUND);
        List<ClusterInfo.Member> moved = get(info(a).updateMember(info(a).localId(),
                List.of("http://127.0.0.1:" + pa)));
        assertThat(moved).singleElement().satisfies(m -> assertThat(m.peerUrls()).containsExactly("http://127.0.0.1:" + pa));
        assertThat(info(a).members()).hasSize(1);
    }

    @org.junit.jupiter.api.AfterEach
    void stopAll() {
        new ArrayList<>(running).forEach(this::stop);
    }
}
