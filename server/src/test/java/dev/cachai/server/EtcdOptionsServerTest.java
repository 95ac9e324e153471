package dev.cachai.server;

import com.google.protobuf.ByteString;
import dev.cachai.etcd.proto.etcdserverpb.ClusterGrpc;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.MemberListRequest;
import dev.cachai.etcd.proto.etcdserverpb.MemberListResponse;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import dev.cachai.etcd.proto.etcdserverpb.RangeRequest;
import dev.cachai.server.cluster.ClusterLimits;
import dev.cachai.server.config.ConfigLoader;
import dev.cachai.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** etcd's --auto-compaction-*, --auth-token-ttl and --advertise-client-urls on a running node, started from command-line options. */
class EtcdOptionsServerTest {
    private static final ByteString KEY = ByteString.copyFromUtf8("compacted-key");

    @Test
    void revisionModeCompactsAndAnOldRevisionReadsAsCompacted(@TempDir Path tmp) {
        ServerConfig config = load(tmp, "--auto-compaction-mode", "revision", "--auto-compaction-retention", "10");
        // etcd looks every 5 minutes; the test looks every 100 ms.
        try (CachaiServer node = CachaiServer.start(config, ClusterLimits.DEFAULTS.withRevisionCompactionCheckMs(100))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.etcdPort()).usePlaintext().build();
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                long first = put(kv, 0);
                for (int i = 1; i < 30; i++) {
                    put(kv, i);
                }
                long revision = first + 29;
                // A check may land between the writes; the one after the last keeps exactly the newest 10.
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(node.gateway().engine().compactRevision()).isEqualTo(revision - 10));
                assertThatThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(KEY).setRevision(first).build()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
                            assertThat(e.getStatus().getDescription())
                                    .isEqualTo("etcdserver: mvcc: required revision has been compacted");
                        });
                assertThat(kv.range(RangeRequest.newBuilder().setKey(KEY).setRevision(revision - 10).build())
                        .getKvs(0).getValue().toStringUtf8()).isEqualTo("v19");
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void theAuthTokenTtlReachesTheEtcdAdapter(@TempDir Path tmp) {
        try (CachaiServer node = CachaiServer.start(load(tmp, "--auth-token-ttl", "42"))) {
            assertThat(node.etcdConfig().authTokenTtlSeconds()).isEqualTo(42);
        }
    }

    /** A member listening on every address publishes what it was told to, not 0.0.0.0. */
    @Test
    void memberListShowsTheAdvertisedClientUrls(@TempDir Path tmp) {
        ServerConfig config = load(tmp, "--advertise-client-urls", "http://db-1.example:2379,http://10.0.0.7:2379");
        try (CachaiServer node = CachaiServer.start(config)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.etcdPort()).usePlaintext().build();
            try {
                MemberListResponse members = ClusterGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .memberList(MemberListRequest.getDefaultInstance());
                assertThat(members.getMembersList()).singleElement().satisfies(m -> assertThat(m.getClientURLsList())
                        .containsExactly("http://db-1.example:2379", "http://10.0.0.7:2379"));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** What a member tells the rest of a cluster about itself (its record): the same URLs. */
    @Test
    void theClientUrlsPublishedAreTheAdvertisedOnesElseTheListenAddress(@TempDir Path tmp) {
        ServerConfig plain = load(tmp);
        assertThat(CachaiServer.clientUrls(plain, 2379)).containsExactly("http://127.0.0.1:2379");
        assertThat(CachaiServer.clientUrls(plain.withAdvertiseClientUrls(List.of("https://x:1")), 2379))
                .containsExactly("https://x:1");
    }

    private static long put(KVGrpc.KVBlockingStub kv, int i) {
        return kv.put(PutRequest.newBuilder().setKey(KEY).setValue(ByteString.copyFromUtf8("v" + i)).build())
                .getHeader().getRevision();
    }

    private static ServerConfig load(Path dir, String... options) {
        String[] base = {"--data-dir", dir.toString(), "--zk-listen", "127.0.0.1:0", "--etcd-listen", "127.0.0.1:0",
                "--peer-listen", "127.0.0.1:0"};
        String[] all = new String[base.length + options.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(options, 0, all, base.length, options.length);
        return ConfigLoader.load(all, Map.of());
    }
}
