package dev.cachai.etcd;

import dev.cachai.engine.CommandGateway;
import dev.cachai.etcd.auth.AuthGuard;
import dev.cachai.etcd.auth.AuthInterceptor;
import dev.cachai.etcd.auth.AuthService;
import dev.cachai.etcd.concurrency.ElectionService;
import dev.cachai.etcd.concurrency.LockService;
import dev.cachai.etcd.gateway.HttpGateway;
import dev.cachai.etcd.health.HealthService;
import dev.cachai.etcd.kv.KvService;
import dev.cachai.etcd.lease.LeaseService;
import dev.cachai.etcd.maintenance.Alarms;
import dev.cachai.etcd.maintenance.ClusterService;
import dev.cachai.etcd.maintenance.MaintenanceService;
import dev.cachai.etcd.metrics.EtcdMetrics;
import dev.cachai.etcd.metrics.GrpcMetrics;
import dev.cachai.etcd.support.Headers;
import dev.cachai.etcd.support.CallExecutors;
import dev.cachai.etcd.support.LeaderRequirement;
import dev.cachai.etcd.support.RequestSizeInterceptor;
import dev.cachai.etcd.support.UnparsableRequests;
import dev.cachai.etcd.watch.WatchHub;
import dev.cachai.etcd.watch.WatchService;
import dev.cachai.metrics.MetricRegistry;
import dev.cachai.netty.ServerLoops;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The etcd v3 adapter: gRPC services (KV, Watch, Lease, Cluster, Maintenance, Auth, Election,
 * Lock) and the HTTP/JSON gateway over one {@link CommandGateway}.
 */
public final class EtcdServer implements AutoCloseable {
    /** etcd's gRPC keepalive enforcement: clients may ping this often, even without streams. */
    static final long KEEPALIVE_PINGS_MIN_INTERVAL_MS = 5_000;

    private final EtcdServerConfig config;
    /** Null: the client port speaks plain text. */
    private final EtcdTls tls;
    private final EtcdContext ctx;
    private final List<ServerServiceDefinition> services;
    private final List<MethodDescriptor<?, ?>> methods;
    private final LeaderRequirement leaderRequirement;
    private final ScheduledExecutorService leaderChecks;
    private Server grpc;
    private HttpGateway http;
    /** 0: Netty's default, two per core, as grpc-netty's own groups. */
    private static final int WORKER_THREADS = 0;
    private ServerLoops loops;
    private final CallExecutors callExecutors = new CallExecutors();

    public EtcdServer(EtcdServerConfig config, CommandGateway gateway) {
        this(config, gateway, new MetricRegistry(), null);
    }

    /**
     * @param metrics where this adapter's metrics go; /metrics serves everything registered there
     * @param tls     when given, the client port speaks TLS
     */
    public EtcdServer(EtcdServerConfig config, CommandGateway gateway, MetricRegistry metrics, EtcdTls tls) {
        this.config = config;
        this.tls = tls;
        Alarms alarms = new Alarms(config.memberId(), config.quotaBackendBytes(), gateway.engine()::approxBytes);
        Headers headers = new Headers(config, gateway.engine());
        AuthGuard auth = new AuthGuard(gateway.engine(),
                config.authTokens().provider(config.authTokenTtlSeconds(), System::currentTimeMillis),
                System::currentTimeMillis);
        WatchHub watches = new WatchHub(gateway.engine(), config.watchHistoryEventsMax(),
                config.watchProgressNotifyIntervalMs());
        this.ctx = new EtcdContext(config, gateway, headers, auth, alarms, watches,
                new EtcdMetrics(metrics, config, gateway::engine));
        GrpcMetrics grpcMetrics = new GrpcMetrics(metrics);
        AuthInterceptor authInterceptor = new AuthInterceptor(auth, tls != null && tls.clientCertAuth());
        RequestSizeInterceptor size = new RequestSizeInterceptor(config.requestBytesMax());
        this.leaderRequirement = new LeaderRequirement(() -> gateway.health().hasLeader());
        this.leaderChecks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cachai-etcd-leader-check");
            t.setDaemon(true);
            return t;
        });
        leaderChecks.scheduleWithFixedDelay(leaderRequirement::check, LeaderRequirement.CHECK_INTERVAL_MS,
                LeaderRequirement.CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
        List<ServerServiceDefinition> bound = List.of(
                new KvService(ctx).bindService(), new WatchService(ctx).bindService(),
                new LeaseService(ctx).bindService(),
                new ClusterService(ctx, this::clientUrls).bindService(),
                new MaintenanceService(ctx).bindService(), new AuthService(ctx).bindService(),
                new LockService(ctx).bindService(), new ElectionService(ctx).bindService());
        this.methods = bound.stream().flatMap(s -> s.getMethods().stream())
                .<MethodDescriptor<?, ?>>map(ServerMethodDefinition::getMethodDescriptor).toList();
        // Requests are parsed inside the other interceptors and outside the metrics, which count
        // an unparsable request's INTERNAL as etcd's do.
        // gRPC's health service, as etcd registers it beside its own: not on the gateway, and
        // without auth (etcd checks tokens inside its own services, which health is not).
        ServerServiceDefinition health = ServerInterceptors.intercept(new HealthService().bindService(), size, leaderRequirement);
        this.services = Stream.concat(
                        bound.stream().map(s -> ServerInterceptors.intercept(s, size, authInterceptor, leaderRequirement)),
                        Stream.of(health))
                .map(s -> ServerInterceptors.intercept(UnparsableRequests.answeredAsEtcd(s), grpcMetrics))
                .toList();
        grpcMetrics.initialize(services);
    }

    /**
     * The services as served, with their interceptors, for in-process servers (tests, the HTTP
     * gateway); their methods take the request's bytes and parse them inside the call.
     */
    public List<ServerServiceDefinition> services() {
        return services;
    }

    /** Every method with its request type, for callers of the services (the HTTP gateway). */
    public List<MethodDescriptor<?, ?>> methods() {
        return methods;
    }

    /** The port's event loops, for tests that look at their state. */
    ServerLoops loops() {
        return loops;
    }

    public synchronized void start() {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        NettyServerBuilder b;
        if (config.gatewayPort() == EtcdServerConfig.GATEWAY_ON_CLIENT_PORT) {
            http = HttpGateway.sharedPort(this);
            b = NettyServerBuilder.forAddress(address, http.sharedPortCredentials(tls == null ? null : tls.sharedPortContext()));
        } else {
            b = NettyServerBuilder.forAddress(address);
            if (tls != null) {
                b.sslContext(tls.grpcOnlyContext());
            }
        }
        loops = new ServerLoops("cachai-etcd", WORKER_THREADS, () -> ctx.gateway().engine().wideFanOuts());
        b.bossEventLoopGroup(loops.acceptor()).workerEventLoopGroup(loops.workers()).channelType(loops.channelType());
        b.maxInboundMessageSize(config.requestBytesMax() + EtcdServerConfig.GRPC_OVERHEAD_BYTES)
                .maxConcurrentCallsPerConnection(config.concurrentStreamsMax())
                .permitKeepAliveTime(KEEPALIVE_PINGS_MIN_INTERVAL_MS, TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .directExecutor()
                .callExecutor(callExecutors);
        services.forEach(b::addService);
        try {
            grpc = b.build().start();
            if (http == null) {
                http = HttpGateway.standalone(this, config.host(), config.gatewayPort(),
                        tls == null ? null : tls.http1OnlyContext());
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
    }

    /** The bound gRPC port (and the unified gateway's). */
    public int port() {
        return ((InetSocketAddress) grpc.getListenSockets().get(0)).getPort();
    }

    /** The HTTP gateway's port: {@link #port()} when unified. */
    public int gatewayPort() {
        return http != null && http.hasOwnPort() ? http.port() : port();
    }

    /** The "require leader" checks, for tests that drive them instead of waiting for the timer. */
    LeaderRequirement leaderRequirement() {
        return leaderRequirement;
    }

    public EtcdContext context() {
        return ctx;
    }

    List<String> clientUrls() {
        if (!config.clientUrls().isEmpty() || grpc == null) {
            return config.clientUrls();
        }
        return List.of((tls == null ? "http://" : "https://") + config.host() + ":" + port());
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
        if (grpc != null) {
            grpc.shutdownNow();
            try {
                grpc.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (loops != null) {
            loops.close();
        }
        ctx.watches().close();
        leaderChecks.shutdownNow();
        callExecutors.close();
    }
}
