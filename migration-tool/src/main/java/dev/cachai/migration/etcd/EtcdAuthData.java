package dev.cachai.migration.etcd;

import dev.cachai.etcd.proto.authpb.Role;
import dev.cachai.etcd.proto.authpb.User;

import java.util.List;

/** A source's users and roles as etcd stores them (buckets authUsers and authRoles), and whether auth was on. */
record EtcdAuthData(List<User> users, List<Role> roles, boolean enabled) {
    static final EtcdAuthData NONE = new EtcdAuthData(List.of(), List.of(), false);

    boolean isEmpty() {
        return users.isEmpty() && roles.isEmpty();
    }
}
