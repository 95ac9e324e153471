package dev.cachai.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.Engine;
import dev.cachai.engine.LeaseKeeper;
import dev.cachai.engine.command.AuthCommand;
import dev.cachai.engine.command.Command;
import dev.cachai.engine.command.Put;
import dev.cachai.engine.result.Result;
import dev.cachai.engine.testing.SyncGateway;
import dev.cachai.etcd.proto.etcdserverpb.AuthGrpc;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.KVGrpc;
import dev.cachai.etcd.proto.etcdserverpb.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Which threads the server's handlers run on: the hot services on the event loop, the rest on the pool. */
class HandlerThreadsTest {
    /** Records the thread each kind of command was proposed from, then applies it. */
    private static final class ThreadRecordingGateway implements CommandGateway {
        final SyncGateway delegate = new SyncGateway();
        final Map<Class<?>, String> threads = new ConcurrentHashMap<>();

        @Override
        public CompletableFuture<Result> propose(Command command) {
            threads.put(command instanceof AuthCommand ? AuthCommand.class : command.getClass(),
                    Thread.currentThread().getName());
            return delegate.propose(command);
        }

        @Override
        public CompletableFuture<Long> readBarrier() {
            return delegate.readBarrier();
        }

        @Override
        public Engine engine() {
            return delegate.engine();
        }

        @Override
        public LeaseKeeper leases() {
            return delegate.leases();
        }
    }

    @Test
    void putIsHandledOnTheEventLoopAndAuthOnThePool() {
        ThreadRecordingGateway gateway = new ThreadRecordingGateway();
        try (EtcdServer server = new EtcdServer(EtcdServerConfig.defaults("127.0.0.1", 0), gateway)) {
            server.start();
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                KVGrpc.newBlockingStub(ch).put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                        .setValue(ByteString.copyFromUtf8("v")).build());
                AuthGrpc.newBlockingStub(ch).userAdd(AuthUserAddRequest.newBuilder().setName("u")
                        .setPassword("p").build());
            } finally {
                ch.shutdownNow();
            }
        }
        assertThat(gateway.threads.get(Put.class)).as("a gRPC transport event loop").startsWith("cachai-etcd-worker-");
        assertThat(gateway.threads.get(AuthCommand.class)).startsWith("cachai-etcd-call-");
    }
}
