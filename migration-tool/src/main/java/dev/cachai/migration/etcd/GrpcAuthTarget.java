package dev.cachai.migration.etcd;

import com.google.protobuf.ByteString;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.AuthCommand;
import dev.cachai.etcd.auth.Passwords;
import dev.cachai.etcd.proto.authpb.Permission;
import dev.cachai.etcd.proto.authpb.UserAddOptions;
import dev.cachai.etcd.proto.etcdserverpb.AuthGrpc;
import dev.cachai.etcd.proto.etcdserverpb.AuthRoleAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthRoleGrantPermissionRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserAddRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserChangePasswordRequest;
import dev.cachai.etcd.proto.etcdserverpb.AuthUserGrantRoleRequest;
import dev.cachai.migration.MigrationException;
import io.grpc.StatusRuntimeException;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * Auth changes sent to a running target's Auth service. A user's hash goes in as etcd 3.5 takes one from a client:
 * UserChangePassword with {@code hashed_password}. UserAdd always hashes a password of its own, so a new user is
 * added with a throwaway random one that the source's hash then replaces.
 */
final class GrpcAuthTarget implements AuthTarget, AutoCloseable {
    private static final int THROWAWAY_PASSWORD_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TargetChannel channel;
    private final AuthGrpc.AuthBlockingStub auth;

    GrpcAuthTarget(String hostPort, String user, Duration timeout) {
        channel = new TargetChannel(hostPort, user, timeout, "copying users and roles");
        auth = channel.stub(AuthGrpc::newBlockingStub);
    }

    @Override
    public EtcdError apply(AuthCommand change) {
        EtcdError error = tryApply(change);
        if (error == EtcdError.INVALID_AUTH_TOKEN && channel.hasUser()) {
            // Copying the tool's own user's password ended its token: log in again, with the password now copied.
            try {
                channel.authenticate();
            } catch (MigrationException e) {
                throw new MigrationException(e.getMessage() + " (the copy gave the --target-etcd-user user the"
                        + " source's password: run again with that one)");
            }
            error = tryApply(change);
        }
        return error;
    }

    private EtcdError tryApply(AuthCommand change) {
        try {
            send(change);
            return null;
        } catch (StatusRuntimeException e) {
            String why = e.getStatus().getDescription();
            for (EtcdError known : EtcdError.values()) {
                if (known.message().equals(why)) {
                    return known;
                }
            }
            throw new MigrationException("target etcd: " + change.getClass().getSimpleName() + " failed: "
                    + (why != null ? why : e.getStatus().getCode()));
        }
    }

    private void send(AuthCommand change) {
        AuthGrpc.AuthBlockingStub call = auth.withDeadlineAfter(channel.timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (change instanceof AuthCommand.RoleAdd r) {
            call.roleAdd(AuthRoleAddRequest.newBuilder().setName(r.name()).build());
        } else if (change instanceof AuthCommand.RoleGrantPermission g) {
            call.roleGrantPermission(AuthRoleGrantPermissionRequest.newBuilder().setName(g.name())
                    .setPerm(Permission.newBuilder().setPermTypeValue(g.permType()).setKey(ByteString.copyFrom(g.key()))
                            .setRangeEnd(ByteString.copyFrom(g.rangeEnd()))).build());
        } else if (change instanceof AuthCommand.UserAdd u && u.noPassword()) {
            call.userAdd(AuthUserAddRequest.newBuilder().setName(u.name())
                    .setOptions(UserAddOptions.newBuilder().setNoPassword(true)).build());
        } else if (change instanceof AuthCommand.UserAdd u) {
            call.userAdd(AuthUserAddRequest.newBuilder().setName(u.name()).setPassword(throwawayPassword()).build());
            send(new AuthCommand.UserChangePassword(u.name(), u.passwordHash()));
        } else if (change instanceof AuthCommand.UserChangePassword c) {
            String hashed = Base64.getEncoder().encodeToString(Passwords.toStored(c.passwordHash()));
            call.userChangePassword(AuthUserChangePasswordRequest.newBuilder().setName(c.name())
                    .setHashedPassword(hashed).build());
        } else if (change instanceof AuthCommand.UserGrantRole g) {
            call.userGrantRole(AuthUserGrantRoleRequest.newBuilder().setUser(g.user()).setRole(g.role()).build());
        } else {
            throw new IllegalArgumentException("not a change the copy makes: " + change);
        }
    }

    private static String throwawayPassword() {
        byte[] bytes = new byte[THROWAWAY_PASSWORD_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public void close() {
        channel.close();
    }
}
