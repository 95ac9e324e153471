package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A gRPC channel of the tool's own to the target, for the calls jetcd cannot make (a lease under a chosen id, a
 * user's password hash), authenticated as {@code --target-etcd-user} when one is given.
 */
final class TargetChannel implements AutoCloseable {
    static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;
    private final String user;
    private final String purpose;
    final Duration timeout;
    /** The simple token calls carry; null without a user. */
    private volatile String token;

    /** {@code purpose} names the calls in an authentication failure ("lease grants"). */
    TargetChannel(String hostPort, String user, Duration timeout, String purpose) {
        this.user = user;
        this.purpose = purpose;
        this.timeout = timeout;
        int colon = hostPort.lastIndexOf(':');
        channel = ManagedChannelBuilder.forAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))).usePlaintext().build();
        if (user != null) {
            try {
                authenticate();
            } catch (MigrationException e) {
                close();
                throw e;
            }
        }
    }

    /**
     * Takes a new token: etcd ends a user's tokens when its password changes, which the auth copy does to the
     * tool's own user too.
     */
    void authenticate() {
        int colon = user.indexOf(':');
        AuthenticateRequest request = AuthenticateRequest.newBuilder().setName(user.substring(0, colon))
                .setPassword(user.substring(colon + 1)).build();
        try {
            token = AuthGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .authenticate(request).getToken();
        } catch (StatusRuntimeException e) {
            throw new MigrationException("target etcd: authenticating for " + purpose + " failed: "
                    + e.getStatus().getDescription());
        }
    }

    boolean hasUser() {
        return user != null;
    }

    /** A stub on this channel whose calls carry the current token, if any. */
    <S extends AbstractStub<S>> S stub(Function<ManagedChannel, S> factory) {
        return factory.apply(channel).withInterceptors(new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        String current = token;
                        if (current != null) {
                            headers.put(TOKEN, current);
                        }
                        super.start(listener, headers);
                    }
                };
            }
        });
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
