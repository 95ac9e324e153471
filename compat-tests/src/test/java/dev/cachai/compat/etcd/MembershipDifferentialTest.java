package dev.cachai.compat.etcd;

import dev.cachai.compat.FreePorts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Cluster;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberAddResponse;
import io.etcd.jetcd.cluster.MemberListResponse;
import io.etcd.jetcd.common.exception.EtcdException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.cachai.compat.etcd.JetcdDifferentialTest.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd's Cluster service and MoveLeader through jetcd against a one-member Cachai and a
 * one-member real etcd: the same changes succeed, and refused ones fail with the same texts.
 */
class MembershipDifferentialTest {

    @Test
    void memberChangesOnASingleMemberAnswerAsEtcd() throws Exception {
        assertThat(Targets.sameOnCachaiAsOnEtcd(MembershipDifferentialTest::run)).contains(
                "promote unready learner: etcdserver: can only promote a learner member which is in sync with leader",
                "remove unknown beside an unstarted voter: UNKNOWN etcdserver: re-configuration failed due to not enough"
                        + " started members");
    }

    private static List<String> run(Targets.Target target) throws Exception {
        List<String> out = new ArrayList<>();
        try (Client client = Client.builder().endpoints(target.endpoint()).build()) {
            Cluster cluster = client.getClusterClient();
            client.getKVClient().put(ByteSequence.from("k", StandardCharsets.UTF_8),
                    ByteSequence.from("v", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            MemberListResponse listed = cluster.listMember().get(10, TimeUnit.SECONDS);
            List<Member> alone = listed.getMembers();
            Member self = alone.get(0);
            // etcd's Cluster service builds its header from membership: no revision, though a put made one.
            out.add("list: " + alone.size() + " learner=" + self.isLearner() + " named=" + !self.getName().isEmpty()
                    + " clientUrls=" + self.getClientURIs().size() + " header revision=" + listed.getHeader().getRevision());
            long selfId = self.getId();
            settle(client);
            out.add("promote self: " + error(() -> cluster.promoteMember(selfId).get(10, TimeUnit.SECONDS)));
            settle(client);
            out.add("promote unknown: " + error(() -> cluster.promoteMember(12345).get(10, TimeUnit.SECONDS)));
            settle(client);
            out.add("remove unknown: " + error(() -> cluster.removeMember(12345).get(10, TimeUnit.SECONDS)));
            settle(client);
            out.add("remove self: " + error(() -> cluster.removeMember(selfId).get(10, TimeUnit.SECONDS)));
            settle(client);
            out.add("update unknown: " + error(() -> cluster.updateMember(12345,
                    List.of(URI.create("http://127.0.0.1:" + FreePorts.next()))).get(10, TimeUnit.SECONDS)));
            settle(client);
            out.add("add without port: " + error(() -> cluster.addMember(List.of(URI.create("http://127.0.0.1")), true)
                    .get(10, TimeUnit.SECONDS)));
            settle(client);
            out.add("add own peer url: " + error(() -> cluster.addMember(self.getPeerURIs(), true)
                    .get(10, TimeUnit.SECONDS)));
            URI learnerUrl = URI.create("http://127.0.0.1:" + FreePorts.next());
            settle(client);
            MemberAddResponse added = cluster.addMember(List.of(learnerUrl), true).get(10, TimeUnit.SECONDS);
            Member learner = added.getMember();
            out.add("add learner: learner=" + learner.isLearner() + " urls=" + learner.getPeerURIs().equals(List.of(learnerUrl))
                    + " members=" + added.getMembers().size() + " named=" + !learner.getName().isEmpty());
            settle(client);
            out.add("second learner: " + error(() -> cluster.addMember(
                    List.of(URI.create("http://127.0.0.1:" + FreePorts.next())), true).get(10, TimeUnit.SECONDS)));
            settle(client);
            out.add("promote unready learner: " + error(() -> cluster.promoteMember(learner.getId())
                    .get(10, TimeUnit.SECONDS)));
            out.add("move leader to unknown: " + error(() -> client.getMaintenanceClient().moveLeader(12345)
                    .get(10, TimeUnit.SECONDS)));
            out.add("move leader to learner: " + error(() -> client.getMaintenanceClient().moveLeader(learner.getId())
                    .get(10, TimeUnit.SECONDS)));
            out.add("move leader to itself: " + error(() -> client.getMaintenanceClient().moveLeader(selfId)
                    .get(10, TimeUnit.SECONDS)));
            List<Member> two = cluster.listMember().get(10, TimeUnit.SECONDS).getMembers();
            out.add("list: " + two.size() + " learners=" + two.stream().filter(Member::isLearner).count());
            URI moved = URI.create("http://127.0.0.1:" + FreePorts.next());
            settle(client);
            List<Member> afterUpdate = cluster.updateMember(learner.getId(), List.of(moved)).get(10, TimeUnit.SECONDS)
                    .getMembers();
            out.add("update learner: " + afterUpdate.stream().anyMatch(m -> m.getPeerURIs().equals(List.of(moved))));
            settle(client);
            out.add("update to a taken url: " + error(() -> cluster.updateMember(learner.getId(), self.getPeerURIs())
                    .get(10, TimeUnit.SECONDS)));
            settle(client);
            List<Member> afterRemove = cluster.removeMember(learner.getId()).get(10, TimeUnit.SECONDS).getMembers();
            out.add("remove learner: " + afterRemove.size());
            // A voter that never starts: etcd then refuses removals for want of a started quorum, even
            // of an id that is no member, and sends that refusal as code Unknown. (etcd itself has
            // lost its write quorum here; nothing else runs after this.)
            settle(client);
            cluster.addMember(List.of(URI.create("http://127.0.0.1:" + FreePorts.next())), false).get(10, TimeUnit.SECONDS);
            out.add("remove unknown beside an unstarted voter: " + errorWithCode(
                    () -> cluster.removeMember(12345).get(10, TimeUnit.SECONDS)));
        }
        return out;
    }

    /**
     * A real etcd silently drops a conf change proposed before its raft has marked the previous
     * one applied (it answers the previous one a moment earlier), and the dropped request then
     * waits forever. A put is applied only after that mark, so each change here waits for one.
     */
    private static void settle(Client client) throws Exception {
        client.getKVClient().put(ByteSequence.from("settle", StandardCharsets.UTF_8),
                ByteSequence.from("v", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    }

    private static String errorWithCode(JetcdDifferentialTest.Call call) {
        try {
            call.run();
            return "no error";
        } catch (ExecutionException e) {
            return e.getCause() instanceof EtcdException etcd ? etcd.getErrorCode() + " " + etcd.getMessage()
                    : e.getCause().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
