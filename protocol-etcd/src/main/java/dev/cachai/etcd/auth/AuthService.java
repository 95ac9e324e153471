package dev.cachai.etcd.auth;

import com.google.protobuf.ByteString;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.auth.AuthStore;
import dev.cachai.engine.auth.Permission;
import dev.cachai.engine.command.AuthCommand;
import dev.cachai.engine.result.Result;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.proto.authpb.Permission.Type;
import dev.cachai.etcd.proto.etcdserverpb.*;
import dev.cachai.etcd.proto.etcdserverpb.ResponseHeader;
import dev.cachai.etcd.support.Calls;
import dev.cachai.etcd.support.EtcdException;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * etcd's Auth service: management is proposed to the replicated auth store; simple tokens are per
 * node, JWTs carry the auth revision they were issued at and verify on any member.
 */
public final class AuthService extends AuthGrpc.AuthImplBase {
    private final EtcdContext ctx;

    public AuthService(EtcdContext ctx) {
        this.ctx = ctx;
    }

    /** Proposes a root-only auth change and answers with the response built from the header. */
    private <R> void change(StreamObserver<R> out, java.util.function.Supplier<AuthCommand> command,
                            Function<ResponseHeader, R> response) {
        CompletableFuture<Result> result;
        try {
            ctx.auth().checkAdmin();
            result = Calls.propose(ctx.gateway(), command.get());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        Calls.reply(out, result, r -> response.apply(ctx.headers().now()));
    }

    private AuthStore store() {
        return ctx.engine().auth();
    }

    @Override
    public void authEnable(AuthEnableRequest request, StreamObserver<AuthEnableResponse> out) {
        change(out, AuthCommand.Enable::new, h -> AuthEnableResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void authDisable(AuthDisableRequest request, StreamObserver<AuthDisableResponse> out) {
        change(out, AuthCommand.Disable::new, h -> {
            ctx.auth().tokens().clear();
            return AuthDisableResponse.newBuilder().setHeader(h).build();
        });
    }

    @Override
    public void authStatus(AuthStatusRequest request, StreamObserver<AuthStatusResponse> out) {
        Calls.now(out, () -> AuthStatusResponse.newBuilder().setHeader(ctx.headers().now())
                .setEnabled(store().enabled()).setAuthRevision(store().authRevision()).build());
    }

    @Override
    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> out) {
        Calls.now(out, () -> {
            if (!store().enabled()) {
                throw new EtcdException(EtcdError.AUTH_NOT_ENABLED);
            }
            AuthStore.User user = store().user(request.getName());
            if (user == null || !Passwords.matches(request.getPassword(), user.passwordHash())) {
                throw new EtcdException(EtcdError.AUTH_FAILED);
            }
            String token = ctx.auth().tokens().assign(user.name(), store().authRevision());
            return AuthenticateResponse.newBuilder().setHeader(ctx.headers().now()).setToken(token).build();
        });
    }

    @Override
    public void userAdd(AuthUserAddRequest request, StreamObserver<AuthUserAddResponse> out) {
        boolean noPassword = request.hasOptions() && request.getOptions().getNoPassword();
        change(out, () -> new AuthCommand.UserAdd(request.getName(),
                        noPassword ? null : Passwords.hash(request.getPassword()), noPassword),
                h -> AuthUserAddResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void userGet(AuthUserGetRequest request, StreamObserver<AuthUserGetResponse> out) {
        Calls.now(out, () -> {
            ctx.auth().checkAdminOrOwn(caller -> caller.equals(request.getName()));
            AuthStore.User user = store().user(request.getName());
            if (user == null) {
                throw new EtcdException(EtcdError.USER_NOT_FOUND);
            }
            return AuthUserGetResponse.newBuilder().setHeader(ctx.headers().now()).addAllRoles(user.roles()).build();
        });
    }

    @Override
    public void userList(AuthUserListRequest request, StreamObserver<AuthUserListResponse> out) {
        Calls.now(out, () -> {
            ctx.auth().checkAdmin();
            var b = AuthUserListResponse.newBuilder().setHeader(ctx.headers().now());
            store().users().forEach(u -> b.addUsers(u.name()));
            return b.build();
        });
    }

    @Override
    public void userDelete(AuthUserDeleteRequest request, StreamObserver<AuthUserDeleteResponse> out) {
        change(out, () -> new AuthCommand.UserDelete(request.getName()), h -> {
            ctx.auth().tokens().invalidateUser(request.getName());
            return AuthUserDeleteResponse.newBuilder().setHeader(h).build();
        });
    }

    @Override
    public void userChangePassword(AuthUserChangePasswordRequest request,
                                   StreamObserver<AuthUserChangePasswordResponse> out) {
        change(out, () -> new AuthCommand.UserChangePassword(request.getName(), newHash(request)),
                h -> {
                    // As etcd, a new password ends the user's simple tokens (JWTs run out on their own).
                    ctx.auth().tokens().invalidateUser(request.getName());
                    return AuthUserChangePasswordResponse.newBuilder().setHeader(h).build();
                });
    }

    /**
     * As etcd 3.5: a password is hashed here; without one, the client's own hash is taken (the way
     * a user's hash moves from one cluster to another).
     */
    private static String newHash(AuthUserChangePasswordRequest request) {
        if (!request.getPassword().isEmpty()) {
            return Passwords.hash(request.getPassword());
        }
        try {
            return Passwords.fromClient(request.getHashedPassword());
        } catch (IllegalArgumentException tooLong) {
            throw io.grpc.Status.INVALID_ARGUMENT.withDescription(tooLong.getMessage()).asRuntimeException();
        }
    }

    @Override
    public void userGrantRole(AuthUserGrantRoleRequest request, StreamObserver<AuthUserGrantRoleResponse> out) {
        change(out, () -> new AuthCommand.UserGrantRole(request.getUser(), request.getRole()),
                h -> AuthUserGrantRoleResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void userRevokeRole(AuthUserRevokeRoleRequest request, StreamObserver<AuthUserRevokeRoleResponse> out) {
        change(out, () -> new AuthCommand.UserRevokeRole(request.getName(), request.getRole()),
                h -> AuthUserRevokeRoleResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void roleAdd(AuthRoleAddRequest request, StreamObserver<AuthRoleAddResponse> out) {
        change(out, () -> new AuthCommand.RoleAdd(request.getName()),
                h -> AuthRoleAddResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void roleGet(AuthRoleGetRequest request, StreamObserver<AuthRoleGetResponse> out) {
        Calls.now(out, () -> {
            ctx.auth().checkAdminOrOwn(caller -> {
                AuthStore.User held = store().user(caller);
                return held != null && held.roles().contains(request.getRole());
            });
            var b = AuthRoleGetResponse.newBuilder().setHeader(ctx.headers().now());
            AuthStore.Role role = store().role(request.getRole());
            if (role == null) {
                if (!request.getRole().equals(AuthStore.ROOT)) {
                    throw new EtcdException(EtcdError.ROLE_NOT_FOUND);
                }
                return b.build();
            }
            for (Permission p : role.permissions()) {
                b.addPerm(dev.cachai.etcd.proto.authpb.Permission.newBuilder().setPermTypeValue(p.type().ordinal())
                        .setKey(ByteString.copyFrom(p.key())).setRangeEnd(ByteString.copyFrom(p.rangeEnd())));
            }
            return b.build();
        });
    }

    @Override
    public void roleList(AuthRoleListRequest request, StreamObserver<AuthRoleListResponse> out) {
        Calls.now(out, () -> {
            ctx.auth().checkAdmin();
            var b = AuthRoleListResponse.newBuilder().setHeader(ctx.headers().now());
            store().roles().forEach(r -> b.addRoles(r.name()));
            return b.build();
        });
    }

    @Override
    public void roleDelete(AuthRoleDeleteRequest request, StreamObserver<AuthRoleDeleteResponse> out) {
        change(out, () -> new AuthCommand.RoleDelete(request.getRole()),
                h -> AuthRoleDeleteResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void roleGrantPermission(AuthRoleGrantPermissionRequest request,
                                    StreamObserver<AuthRoleGrantPermissionResponse> out) {
        change(out, () -> {
            if (!request.hasPerm()) {
                throw new EtcdException(EtcdError.PERMISSION_NOT_GIVEN);
            }
            var p = request.getPerm();
            int type = p.getPermType() == Type.UNRECOGNIZED ? 0 : p.getPermTypeValue();
            return new AuthCommand.RoleGrantPermission(request.getName(), type, p.getKey().toByteArray(),
                    p.getRangeEnd().toByteArray());
        }, h -> AuthRoleGrantPermissionResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void roleRevokePermission(AuthRoleRevokePermissionRequest request,
                                     StreamObserver<AuthRoleRevokePermissionResponse> out) {
        change(out, () -> new AuthCommand.RoleRevokePermission(request.getRole(), request.getKey().toByteArray(),
                        request.getRangeEnd().toByteArray()),
                h -> AuthRoleRevokePermissionResponse.newBuilder().setHeader(h).build());
    }
}
