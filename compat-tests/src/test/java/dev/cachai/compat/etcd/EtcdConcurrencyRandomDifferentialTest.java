package dev.cachai.compat.etcd;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.cachai.compat.RandomSequences;
import dev.cachai.etcd.proto.etcdserverpb.DeleteRangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrantRequest;
import dev.cachai.etcd.proto.etcdserverpb.LeaseGrpc;
import dev.cachai.etcd.proto.etcdserverpb.LeaseRevokeRequest;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeResponse;
import dev.cachai.etcd.proto.v3electionpb.CampaignRequest;
import dev.cachai.etcd.proto.v3electionpb.CampaignResponse;
import dev.cachai.etcd.proto.v3electionpb.ElectionGrpc;
import dev.cachai.etcd.proto.v3electionpb.LeaderKey;
import dev.cachai.etcd.proto.v3electionpb.LeaderRequest;
import dev.cachai.etcd.proto.v3electionpb.ProclaimRequest;
import dev.cachai.etcd.proto.v3electionpb.ResignRequest;
import dev.cachai.etcd.proto.v3lockpb.LockGrpc;
import dev.cachai.etcd.proto.v3lockpb.LockRequest;
import dev.cachai.etcd.proto.v3lockpb.LockResponse;
import dev.cachai.etcd.proto.v3lockpb.UnlockRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Seeded random sequences over etcd's lock and election services, the same on Cachai and on a
 * real etcd: locks and campaigns that get their turn at once or wait, unlocks, proclaims and
 * resignations with right and wrong leader keys, leader queries, leases revoked under waiting
 * contenders, and contender keys written or deleted through KV. A waiting call's answer is
 * written down at the step after which it must have come: when no key under its name is older
 * than its own; until then it must still be waiting.
 */
class EtcdConcurrencyRandomDifferentialTest extends BothEtcdTargets {
    private static final int OPS_PER_SEQUENCE = 120;
    private static final long CALL_S = 10;
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(10);
    private static final int LEASES = 3;
    private static final long LEASE_ID_BASE = 11_000;
    private static final long LEASE_TTL_S = 3_600;
    private static final String[] NAMES = {"L0", "L1", "E0", "E1"};
    private static final String[] VALUES = {"x", "y", "z"};
    private static final String SESSION_EXPIRED = "mutex: session is expired";

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.cachai.compat.RandomSequences#seeds")
    void randomLockAndElectionSequencesAnswerAsEtcd(long seed) throws Exception {
        List<String> expected = new Sequence(etcd, seed, true).run();
        RandomSequences.assertSameTranscript(expected, new Sequence(cachai, seed, false).run(), seed);
    }

    /** A lock or campaign sent, with the key it queued under once known. */
    private static final class Waiting {
        final int number;
        final String name;
        final String key;
        final boolean lock;
        final Future<? extends Message> answer;
        long createRevision;

        Waiting(int number, String name, String key, boolean lock, Future<? extends Message> answer) {
            this.number = number;
            this.name = name;
            this.key = key;
            this.lock = lock;
            this.answer = answer;
        }
    }

    private static final class Sequence {
        private final Targets.Target target;
        /** The real etcd (3.4), whose answers differ from 3.5's in one place, see {@link #settle}. */
        private final boolean reference;
        private final Random random;
        private final String prefix;
        private final long leaseBase;
        private final List<String> lines = new ArrayList<>();
        private final List<Waiting> waiting = new ArrayList<>();
        /** Leader keys campaigns returned, for proclaims and resignations. */
        private final List<LeaderKey> leaders = new ArrayList<>();
        private KVGrpc.KVBlockingStub kv;
        private long baseline;
        private int calls;

        Sequence(Targets.Target target, long seed, boolean reference) {
            this.target = target;
            this.reference = reference;
            this.random = new Random(seed);
            this.prefix = "/cc" + seed + "/";
            this.leaseBase = LEASE_ID_BASE + seed * (LEASES + 1);
        }

        List<String> run() throws Exception {
            URI uri = URI.create(target.endpoint());
            ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
            try {
                kv = KVGrpc.newBlockingStub(channel);
                LeaseGrpc.LeaseBlockingStub lease = LeaseGrpc.newBlockingStub(channel);
                baseline = kv().put(PutRequest.newBuilder().setKey(bytes(prefix + "start")).build())
                        .getHeader().getRevision();
                for (int i = 0; i < LEASES; i++) {
                    long id = leaseBase + i;
                    lease.withDeadlineAfter(CALL_S, TimeUnit.SECONDS)
                            .leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(LEASE_TTL_S).build());
                }
                for (int i = 0; i < OPS_PER_SEQUENCE; i++) {
                    step(i, channel, lease);
                    settle(i);
                }
                lines.add("end " + answer(() -> kv.range(everything())));
                return lines;
            } finally {
                // Cancelling the calls still waiting makes each server take their keys back.
                channel.shutdownNow();
            }
        }

        private void step(int i, ManagedChannel channel, LeaseGrpc.LeaseBlockingStub lease) {
            String label = i + " ";
            int kind = random.nextInt(100);
            ElectionGrpc.ElectionBlockingStub election = ElectionGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(CALL_S, TimeUnit.SECONDS);
            if (kind < 18) {
                LockRequest r = LockRequest.newBuilder().setName(bytes(name())).setLease(anyLease()).build();
                send(label + "lock " + brief(r), r.getName(), r.getLease(), true,
                        LockGrpc.newFutureStub(channel).lock(r));
            } else if (kind < 34) {
                CampaignRequest r = CampaignRequest.newBuilder().setName(bytes(name())).setLease(anyLease())
                        .setValue(bytes(VALUES[random.nextInt(VALUES.length)])).build();
                send(label + "campaign " + brief(r), r.getName(), r.getLease(), false,
                        ElectionGrpc.newFutureStub(channel).campaign(r));
            } else if (kind < 44) {
                UnlockRequest r = UnlockRequest.newBuilder().setKey(contenderKey()).build();
                record(label + "unlock " + brief(r), () -> LockGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(CALL_S, TimeUnit.SECONDS).unlock(r));
            } else if (kind < 54) {
                ProclaimRequest.Builder r = ProclaimRequest.newBuilder()
                        .setValue(bytes(VALUES[random.nextInt(VALUES.length)]));
                leaderKey().ifPresent(r::setLeader);
                record(label + "proclaim " + brief(r.hasLeader() ? r.build().toBuilder().setLeader(relative(r.getLeader())).build() : r.build()),
                        () -> election.proclaim(r.build()));
            } else if (kind < 62) {
                ResignRequest.Builder r = ResignRequest.newBuilder();
                leaderKey().ifPresent(r::setLeader);
                record(label + "resign " + brief(r.hasLeader() ? r.build().toBuilder().setLeader(relative(r.getLeader())).build() : r.build()),
                        () -> election.resign(r.build()));
            } else if (kind < 74) {
                LeaderRequest r = LeaderRequest.newBuilder().setName(bytes(name())).build();
                record(label + "leader " + brief(r), () -> election.leader(r));
            } else if (kind < 78) {
                long id = anyLease();
                record(label + "revoke " + (id - leaseBase), () -> lease.withDeadlineAfter(CALL_S, TimeUnit.SECONDS)
                        .leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()));
            } else if (kind < 86) {
                long id = anyLease();
                record(label + "grant " + (id - leaseBase), () -> lease.withDeadlineAfter(CALL_S, TimeUnit.SECONDS)
                        .leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(LEASE_TTL_S).build()));
            } else if (kind < 91) {
                DeleteRangeRequest r = DeleteRangeRequest.newBuilder().setKey(contenderKey()).build();
                record(label + "delete " + brief(r), () -> kv().deleteRange(r));
            } else if (kind < 94) {
                PutRequest r = PutRequest.newBuilder().setKey(contenderKey())
                        .setValue(bytes(VALUES[random.nextInt(VALUES.length)])).build();
                record(label + "put " + brief(r), () -> kv().put(r));
            } else {
                record(label + "range", () -> kv().range(everything()));
            }
        }

        /** A lock or campaign: its answer is written down once {@link #settle} says it is due. */
        private void send(String label, ByteString name, long lease, boolean lock, Future<? extends Message> answer) {
            String key = name.toStringUtf8() + "/" + Long.toHexString(lease);
            Waiting w = new Waiting(calls++, name.toStringUtf8(), key, lock, answer);
            lines.add(label + " -> #" + w.number);
            // The call queues a key, or fails at once: wait for either before the next step.
            await().atMost(SETTLE_WAIT).until(() -> answer.isDone() || createRevision(key) > 0);
            w.createRevision = createRevision(key);
            waiting.add(w);
        }

        /**
         * Writes down every waiting call whose turn has come (no key under its name is older than
         * its own) and checks that the others still wait.
         */
        private void settle(int step) {
            for (var it = waiting.iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (w.answer.isDone() || olderKeys(w) == 0) {
                    lines.add(step + " #" + w.number + " -> " + turnAnswer(w));
                    it.remove();
                }
            }
        }

        /**
         * A lock whose own key went while it waited (its lease revoked, or the key deleted):
         * etcd 3.5 (and Cachai) answer "mutex: session is expired" once its turn comes, etcd 3.4
         * answers it as locked. Both are written down as the same line.
         */
        private String turnAnswer(Waiting w) {
            boolean keyGone = w.lock && w.createRevision > 0 && createRevision(w.key) == 0;
            String text = answer(() -> answerOf(w.answer));
            boolean versionAnswer = reference ? text.contains(" key: ") : text.equals("UNKNOWN: " + SESSION_EXPIRED);
            return keyGone && versionAnswer ? "session key lost" : text;
        }

        private long olderKeys(Waiting w) {
            if (w.createRevision == 0) {
                return 0;
            }
            // Counted from the keys: etcd's count ignores the revision filters.
            RangeRequest older = RangeRequest.newBuilder().setKey(bytes(w.name + "/"))
                    .setRangeEnd(bytes(w.name + "0")).setMaxCreateRevision(w.createRevision - 1).setKeysOnly(true).build();
            return kv().range(older).getKvsCount();
        }

        private long createRevision(String key) {
            RangeResponse r = kv().range(RangeRequest.newBuilder().setKey(bytes(key)).build());
            return r.getKvsCount() == 0 ? 0 : r.getKvs(0).getCreateRevision();
        }

        private Message answerOf(Future<? extends Message> answer) {
            try {
                Message m = answer.get(SETTLE_WAIT.toSeconds(), TimeUnit.SECONDS);
                if (m instanceof CampaignResponse c && c.hasLeader()) {
                    leaders.add(c.getLeader());
                }
                return m;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException s) {
                    throw s;
                }
                throw new IllegalStateException(e.getCause());
            } catch (Exception e) {
                throw new IllegalStateException("a call whose turn came did not answer", e);
            }
        }

        private void record(String label, Supplier<Message> call) {
            lines.add(label + " -> " + answer(call));
        }

        private String answer(Supplier<Message> call) {
            String text = EtcdAnswers.text(() -> leaderRelative(call.get()), baseline, revision -> {});
            // Lease ids are the seed's own: write them relative, in decimal and in key hex.
            for (int i = 0; i < LEASES + 1; i++) {
                text = text.replace(Long.toString(leaseBase + i), "lease" + i)
                        .replace(Long.toHexString(leaseBase + i), "lease" + i);
            }
            return text;
        }

        /** A campaign's leader key with its revision relative to the sequence's start. */
        private Message leaderRelative(Message m) {
            if (m instanceof CampaignResponse c && c.hasLeader()) {
                return c.toBuilder().setLeader(relative(c.getLeader())).build();
            }
            return m;
        }

        private LeaderKey relative(LeaderKey k) {
            return k.toBuilder().setRev(k.getRev() - baseline).build();
        }

        private RangeRequest everything() {
            return RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(bytes(prefix.substring(0, prefix.length() - 1) + "0"))
                    .build();
        }

        private String name() {
            return prefix + NAMES[random.nextInt(NAMES.length)];
        }

        /** One of the seed's leases, or now and then one no one granted. */
        private long anyLease() {
            return leaseBase + random.nextInt(LEASES + (random.nextInt(8) == 0 ? 1 : 0));
        }

        /** A contender's key: of one of the seed's leases under one of its names, or a key no one queued. */
        private ByteString contenderKey() {
            if (random.nextInt(10) == 0) {
                return bytes(name() + "/none");
            }
            return bytes(name() + "/" + Long.toHexString(anyLease()));
        }

        /** A leader key a campaign returned, sometimes with a wrong revision or lease; empty now and then. */
        private java.util.Optional<LeaderKey> leaderKey() {
            if (leaders.isEmpty() || random.nextInt(12) == 0) {
                return java.util.Optional.empty();
            }
            LeaderKey k = leaders.get(random.nextInt(leaders.size()));
            int shape = random.nextInt(6);
            if (shape == 0) {
                return java.util.Optional.of(k.toBuilder().setRev(k.getRev() + 1).build());
            }
            return java.util.Optional.of(k);
        }

        private static String brief(Message m) {
            return com.google.protobuf.TextFormat.shortDebugString(m);
        }

        private KVGrpc.KVBlockingStub kv() {
            return kv.withDeadlineAfter(CALL_S, TimeUnit.SECONDS);
        }

        private static ByteString bytes(String s) {
            return ByteString.copyFrom(s, StandardCharsets.UTF_8);
        }
    }
}
