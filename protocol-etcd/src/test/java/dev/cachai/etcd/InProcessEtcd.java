package dev.cachai.etcd;

import dev.cachai.engine.CommandGateway;
import dev.cachai.engine.testing.SyncGateway;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.io.IOException;
import java.util.UUID;

/** The adapter's services on an in-process transport, over a {@link SyncGateway}. */
public final class InProcessEtcd implements AutoCloseable {
    final CommandGateway gateway;
    public final EtcdServer etcd;
    final Server server;
    public final ManagedChannel channel;

    public InProcessEtcd() throws IOException {
        this(EtcdServerConfig.defaults("127.0.0.1", 0));
    }

    InProcessEtcd(EtcdServerConfig config) throws IOException {
        this(config, new SyncGateway());
    }

    InProcessEtcd(EtcdServerConfig config, CommandGateway gateway) throws IOException {
        this.gateway = gateway;
        etcd = new EtcdServer(config, gateway);
        String name = "etcd-test-" + UUID.randomUUID();
        InProcessServerBuilder b = InProcessServerBuilder.forName(name).directExecutor();
        etcd.services().forEach(b::addService);
        server = b.build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        etcd.close();
    }
}
