package dev.cachai.etcd.auth;

import dev.cachai.engine.EtcdError;
import dev.cachai.etcd.support.Errors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Resolves the {@code token} metadata to a credential for the whole call (a simple token this
 * node issued, or a JWT whose signature and expiry hold). An unknown, forged or expired token
 * fails the call with etcd's "invalid auth token", which makes clients re-authenticate. With
 * etcd's {@code --client-cert-auth}, a call without a token acts as the user named by the
 * CommonName of its verified client certificate, as etcd's AuthInfoFromTLS does. Calls from the
 * HTTP gateway arrive in-process, without a TLS session, so a gateway request never takes a
 * certificate's name (etcd ignores it for gateway requests too).
 */
public final class AuthInterceptor implements ServerInterceptor {
    public static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
    /** The HTTP gateway forwards the Authorization header under this name. */
    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final AuthGuard guard;
    private final boolean clientCertAuth;

    public AuthInterceptor(AuthGuard guard, boolean clientCertAuth) {
        this.guard = guard;
        this.clientCertAuth = clientCertAuth;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String token = headers.get(TOKEN);
        if (token == null) {
            token = headers.get(AUTHORIZATION);
        }
        if (!guard.enabled()) {
            return next.startCall(call, headers);
        }
        if (token == null) {
            String commonName = clientCertAuth ? ClientCertificates.commonName(call) : null;
            return commonName == null ? next.startCall(call, headers)
                    : withCaller(AuthInfo.current(commonName), call, headers, next);
        }
        AuthInfo caller = guard.tokens().info(token);
        if (caller == null) {
            var status = Errors.of(EtcdError.INVALID_AUTH_TOKEN).getStatus();
            call.close(status, new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return withCaller(caller, call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> withCaller(AuthInfo caller, ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(AuthGuard.CALLER, caller), call, headers, next);
    }
}
