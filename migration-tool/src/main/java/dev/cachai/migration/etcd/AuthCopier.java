package dev.cachai.migration.etcd;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.AuthCommand;
import dev.cachai.etcd.auth.Passwords;
import dev.cachai.etcd.proto.authpb.Permission;
import dev.cachai.etcd.proto.authpb.Role;
import dev.cachai.etcd.proto.authpb.User;
import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Report;

import java.io.PrintStream;

/**
 * Copies a source's roles (with their key permissions) and then its users (with their password hashes and roles).
 * Hashes are etcd's bcrypt, which Cachai checks as etcd does, so users log in with the passwords they had. A re-run
 * finds roles and users there and brings them level again; nothing the target has besides is removed. Auth itself is
 * left off: turning it on is the operator's step, once clients have their credentials for the target.
 */
final class AuthCopier {
    private final AuthTarget target;
    private final Report report;
    private final PrintStream err;

    AuthCopier(AuthTarget target, Report report, PrintStream err) {
        this.target = target;
        this.report = report;
        this.err = err;
    }

    void copy(EtcdAuthData source) {
        for (Role role : source.roles()) {
            copyRole(role);
        }
        for (User user : source.users()) {
            copyUser(user);
        }
        if (source.enabled()) {
            report.issue(Report.Count.NOTES, "auth is enabled in the source; it is left off in the target: enable it "
                    + "there (etcdctl auth enable) when clients are ready to log in");
        }
        if (!source.isEmpty()) {
            err.println("copied " + source.roles().size() + " roles and " + source.users().size() + " users");
        }
    }

    private void copyRole(Role role) {
        String name = role.getName().toStringUtf8();
        expect(target.apply(new AuthCommand.RoleAdd(name)), EtcdError.ROLE_ALREADY_EXIST, "role " + name);
        for (Permission p : role.getKeyPermissionList()) {
            expect(target.apply(new AuthCommand.RoleGrantPermission(name, p.getPermTypeValue(), p.getKey().toByteArray(),
                    p.getRangeEnd().toByteArray())), null, "permission of role " + name);
        }
        report.count(Report.Count.ROLES);
    }

    private void copyUser(User user) {
        String name = user.getName().toStringUtf8();
        boolean noPassword = user.hasOptions() && user.getOptions().getNoPassword();
        if (user.getPassword().size() > Passwords.CLIENT_HASH_BYTES_MAX) {
            throw new MigrationException("user " + name + " has a password hash of " + user.getPassword().size()
                    + " bytes; Cachai takes at most " + Passwords.CLIENT_HASH_BYTES_MAX + " (a bcrypt hash has 60)");
        }
        String hash = noPassword ? null : Passwords.fromStored(user.getPassword().toByteArray());
        EtcdError added = target.apply(new AuthCommand.UserAdd(name, hash, noPassword));
        expect(added, EtcdError.USER_ALREADY_EXIST, "user " + name);
        if (added == EtcdError.USER_ALREADY_EXIST && !noPassword) {
            expect(target.apply(new AuthCommand.UserChangePassword(name, hash)), null, "password of user " + name);
        }
        for (String role : user.getRolesList()) {
            expect(target.apply(new AuthCommand.UserGrantRole(name, role)), null, "role " + role + " of user " + name);
        }
        report.count(Report.Count.USERS);
    }

    /** Fails the run on any error but the one a re-run expects. */
    private static void expect(EtcdError error, EtcdError tolerated, String what) {
        if (error != null && error != tolerated) {
            throw new MigrationException("copying " + what + " failed: " + error.message());
        }
    }
}
