package dev.cachai.compat.etcd;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.cachai.compat.RandomSequences;
import dev.cachai.etcd.proto.authpb.Permission;
import dev.cachai.etcd.proto.etcdserverpb.*;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;


/**
 * Seeded random sequences against etcd's auth, the same on Cachai and on a real etcd, through
 * etcd's own gRPC messages. With auth enabled, root adds, deletes and changes users and roles,
 * grants and revokes roles and key permissions; users authenticate with right and wrong
 * passwords and read, write, delete and run txns with their tokens (stale ones too, after a
 * password change or their deletion), and anonymous clients try the same. Every answer (headers
 * reduced to relative revisions, tokens left out) and every error text must be the same.
 */
class EtcdAuthRandomDifferentialTest extends BothEtcdTargets {
    private static final int OPS_PER_SEQUENCE = 200;
    private static final long CALL_S = 10;
    private static final String ROOT_PASSWORD = "rootpw";
    private static final String[] PASSWORDS = {"pw", "pw2", "bad"};
    private static final String[] KEYS = {"a", "b", "c", "a/x"};
    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("dev.cachai.compat.RandomSequences#seeds")
    void randomAuthSequencesAnswerAsEtcd(long seed) throws Exception {
        List<String> expected = new Sequence(etcd, seed).run();
        RandomSequences.assertSameTranscript(expected, new Sequence(cachai, seed).run(), seed);
    }

    /** One run of a seed's operations on one server, written down as a transcript. */
    private static final class Sequence {
        private final Targets.Target target;
        private final Random random;
        private final String prefix;
        private final String[] users;
        private final String[] roles;
        private final List<String> lines = new ArrayList<>();
        /** The last token each user got (kept after a password change or deletion: a stale one). */
        private final Map<String, String> tokens = new HashMap<>();
        private ManagedChannel channel;
        private long baseline;

        Sequence(Targets.Target target, long seed) {
            this.target = target;
            this.random = new Random(seed);
            this.prefix = "/auth" + seed + "/";
            this.users = new String[] {"s" + seed + "u1", "s" + seed + "u2", "s" + seed + "u3"};
            this.roles = new String[] {"s" + seed + "r1", "s" + seed + "r2", "s" + seed + "r3"};
        }

        List<String> run() {
            URI uri = URI.create(target.endpoint());
            channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
            try {
                baseline = kv(null).put(PutRequest.newBuilder().setKey(key("start")).build()).getHeader().getRevision();
                // Auth is off between sequences: root and its role are made once (later seeds find them there).
                attempt("setup role root", () -> auth(null).roleAdd(AuthRoleAddRequest.newBuilder().setName("root").build()));
                attempt("setup user root", () -> auth(null).userAdd(AuthUserAddRequest.newBuilder().setName("root")
                        .setPassword(ROOT_PASSWORD).build()));
                attempt("setup grant root", () -> auth(null).userGrantRole(AuthUserGrantRoleRequest.newBuilder()
                        .setUser("root").setRole("root").build()));
                attempt("enable", () -> auth(null).authEnable(AuthEnableRequest.getDefaultInstance()));
                tokens.put("root", auth(null).authenticate(AuthenticateRequest.newBuilder().setName("root")
                        .setPassword(ROOT_PASSWORD).build()).getToken());
                for (int i = 0; i < OPS_PER_SEQUENCE; i++) {
                    step(i);
                }
                attempt("disable", () -> auth("root").authDisable(AuthDisableRequest.getDefaultInstance()));
                return lines;
            } finally {
                channel.shutdownNow();
            }
        }

        private void step(int i) {
            int kind = random.nextInt(100);
            String label = i + " ";
            if (kind < 30) {
                adminStep(label);
            } else if (kind < 42) {
                String user = anyUser();
                String password = PASSWORDS[random.nextInt(PASSWORDS.length)];
                attempt(label + "authenticate " + user + " " + password, () -> {
                    AuthenticateResponse r = auth(null).authenticate(AuthenticateRequest.newBuilder().setName(user)
                            .setPassword(password).build());
                    tokens.put(user, r.getToken());
                    return r.toBuilder().clearToken().build();
                });
            } else {
                String actor = random.nextInt(6) == 0 ? null : anyUser();
                kvStep(label + (actor == null ? "anonymous" : actor) + " ", actor);
            }
        }

        /** Root's changes to users and roles; now and then tried by a user instead (refused). */
        private void adminStep(String label) {
            String actor = random.nextInt(8) == 0 ? anyUser() : "root";
            String as = label + actor + " ";
            String user = anyUser();
            String role = roles[random.nextInt(roles.length)];
            switch (random.nextInt(13)) {
                case 0, 1 -> attempt(as + "user add " + user, () -> auth(actor).userAdd(AuthUserAddRequest.newBuilder()
                        .setName(user).setPassword("pw").build()));
                case 2 -> attempt(as + "user delete " + user, () -> auth(actor).userDelete(
                        AuthUserDeleteRequest.newBuilder().setName(user).build()));
                case 3, 4 -> attempt(as + "grant " + role + " to " + user, () -> auth(actor).userGrantRole(
                        AuthUserGrantRoleRequest.newBuilder().setUser(user).setRole(role).build()));
                case 5 -> attempt(as + "revoke " + role + " from " + user, () -> auth(actor).userRevokeRole(
                        AuthUserRevokeRoleRequest.newBuilder().setName(user).setRole(role).build()));
                case 6 -> attempt(as + "role add " + role, () -> auth(actor).roleAdd(
                        AuthRoleAddRequest.newBuilder().setName(role).build()));
                case 7 -> attempt(as + "role delete " + role, () -> auth(actor).roleDelete(
                        AuthRoleDeleteRequest.newBuilder().setRole(role).build()));
                case 8, 9 -> {
                    // At most six ranges per role (duplicates aside): past twelve permissions the
                    // order etcd's sort leaves equal keys in is a detail of Go's pdqsort.
                    Permission.Builder p = Permission.newBuilder()
                            .setPermType(Permission.Type.forNumber(random.nextInt(3))).setKey(key(KEYS[random.nextInt(3)]));
                    if (random.nextBoolean()) {
                        p.setRangeEnd(key("\u007f"));
                    }
                    attempt(as + "permit " + role + " " + TextFormat.shortDebugString(p),
                            () -> auth(actor).roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder()
                                    .setName(role).setPerm(p).build()));
                }
                case 10 -> {
                    ByteString k = key(anyKey());
                    ByteString end = random.nextBoolean() ? ByteString.EMPTY : key("\u007f");
                    attempt(as + "unpermit " + role + " " + k.toStringUtf8() + " " + end.toStringUtf8(),
                            () -> auth(actor).roleRevokePermission(AuthRoleRevokePermissionRequest.newBuilder()
                                    .setRole(role).setKey(k).setRangeEnd(end).build()));
                }
                case 11 -> {
                    attempt(as + "get user " + user, () -> auth(actor).userGet(AuthUserGetRequest.newBuilder().setName(user).build()));
                    attempt(as + "get role " + role, () -> auth(actor).roleGet(AuthRoleGetRequest.newBuilder().setRole(role).build()));
                }
                default -> attempt(as + "password " + user, () -> auth(actor).userChangePassword(
                        AuthUserChangePasswordRequest.newBuilder().setName(user).setPassword("pw2").build()));
            }
        }

        /** Reads and writes of the sequence's keys by a user with the last token it got, or by no one. */
        private void kvStep(String as, String actor) {
            ByteString k = key(anyKey());
            switch (random.nextInt(5)) {
                case 0, 1 -> attempt(as + "put " + k.toStringUtf8(), () -> kv(actor).put(PutRequest.newBuilder()
                        .setKey(k).setValue(ByteString.copyFromUtf8("v" + random.nextInt(5))).build()));
                case 2 -> {
                    RangeRequest.Builder r = RangeRequest.newBuilder().setKey(k);
                    if (random.nextBoolean()) {
                        r.setRangeEnd(key("\u007f"));
                    }
                    attempt(as + "range " + TextFormat.shortDebugString(r), () -> kv(actor).range(r.build()));
                }
                case 3 -> attempt(as + "delete " + k.toStringUtf8(), () -> kv(actor).deleteRange(
                        DeleteRangeRequest.newBuilder().setKey(k).setPrevKv(random.nextBoolean()).build()));
                default -> {
                    ByteString other = key(anyKey());
                    TxnRequest txn = TxnRequest.newBuilder()
                            .addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.VERSION)
                                    .setResult(Compare.CompareResult.GREATER).setVersion(0))
                            .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(other)))
                            .addFailure(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(other)
                                    .setValue(ByteString.copyFromUtf8("t"))))
                            .build();
                    attempt(as + "txn " + k.toStringUtf8() + " " + other.toStringUtf8(), () -> kv(actor).txn(txn));
                }
            }
        }

        private AuthGrpc.AuthBlockingStub auth(String actor) {
            return withToken(AuthGrpc.newBlockingStub(channel), actor);
        }

        private KVGrpc.KVBlockingStub kv(String actor) {
            return withToken(KVGrpc.newBlockingStub(channel), actor);
        }

        private <S extends AbstractStub<S>> S withToken(S stub, String actor) {
            S timed = stub.withDeadlineAfter(CALL_S, TimeUnit.SECONDS);
            String token = actor == null ? null : tokens.get(actor);
            if (token == null) {
                return timed;
            }
            Metadata m = new Metadata();
            m.put(TOKEN, token);
            return timed.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
        }

        private void attempt(String label, Supplier<Message> call) {
            lines.add(label + " -> " + EtcdAnswers.text(call, baseline, rev -> { }));
        }

        private String anyUser() {
            return users[random.nextInt(users.length)];
        }

        private String anyKey() {
            return KEYS[random.nextInt(KEYS.length)];
        }

        private ByteString key(String name) {
            return ByteString.copyFromUtf8(prefix + name);
        }
    }
}
