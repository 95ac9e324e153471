package dev.cachai.engine.command;

/**
 * etcd auth store mutations. Password hashes are computed (salted) before proposal, so apply
 * never sees a clear-text password and stays deterministic.
 */
public sealed interface AuthCommand extends Command {
    record Enable() implements AuthCommand {}
    record Disable() implements AuthCommand {}
    record UserAdd(String name, String passwordHash, boolean noPassword) implements AuthCommand {}
    record UserDelete(String name) implements AuthCommand {}
    /** {@code passwordHash} null: the hash the client sent could not be read (etcd's ErrNoPasswordUser). */
    record UserChangePassword(String name, String passwordHash) implements AuthCommand {}
    record UserGrantRole(String user, String role) implements AuthCommand {}
    record UserRevokeRole(String name, String role) implements AuthCommand {}
    record RoleAdd(String name) implements AuthCommand {}
    record RoleDelete(String role) implements AuthCommand {}
    /** permType: 0 READ, 1 WRITE, 2 READWRITE (etcd's authpb.Permission.Type). */
    record RoleGrantPermission(String name, int permType, byte[] key, byte[] rangeEnd) implements AuthCommand {}
    record RoleRevokePermission(String role, byte[] key, byte[] rangeEnd) implements AuthCommand {}
}
