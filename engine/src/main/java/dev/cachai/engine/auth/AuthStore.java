package dev.cachai.engine.auth;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.command.AuthCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * etcd's replicated auth store: users, roles, range permissions and the enabled flag. Token
 * handling and request checks live in the etcd adapter; this holds what every replica must agree on.
 */
public final class AuthStore {
    public static final String ROOT = "root";

    /** A user; {@code passwordHash} is null for a user created with no_password. */
    public record User(String name, String passwordHash, List<String> roles) {}

    public record Role(String name, List<Permission> permissions) {}

    private final ConcurrentSkipListMap<String, User> users = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Role> roles = new ConcurrentSkipListMap<>();
    private volatile boolean enabled;
    private volatile long authRevision = 1;

    public boolean enabled() { return enabled; }
    public long authRevision() { return authRevision; }
    public User user(String name) { return users.get(name); }
    public Role role(String name) { return roles.get(name); }
    public List<User> users() { return new ArrayList<>(users.values()); }
    public List<Role> roles() { return new ArrayList<>(roles.values()); }

    /** Applies one change; returns the error etcd gives, or null on success. */
    public EtcdError apply(AuthCommand c) {
        boolean keepsRevision = keepsRevision(c);
        EtcdError e = dispatch(c);
        if (e == null && !keepsRevision) {
            authRevision++;
        }
        return e;
    }

    /**
     * Changes that leave etcd's auth revision as it is: enabling auth, disabling it when it is
     * off, granting a role the user already has. JWTs carry the revision they were issued at, so
     * a token is only interchangeable with a real etcd's when both count alike.
     */
    private boolean keepsRevision(AuthCommand c) {
        if (c instanceof AuthCommand.Enable) {
            return true;
        }
        if (c instanceof AuthCommand.Disable) {
            return !enabled;
        }
        if (c instanceof AuthCommand.UserGrantRole g) {
            User user = users.get(g.user());
            return user != null && user.roles().contains(g.role());
        }
        return false;
    }

    private EtcdError dispatch(AuthCommand c) {
        if (c instanceof AuthCommand.Enable) {
            return enable();
        } else if (c instanceof AuthCommand.Disable) {
            enabled = false;
            return null;
        } else if (c instanceof AuthCommand.UserAdd u) {
            return userAdd(u);
        } else if (c instanceof AuthCommand.UserDelete u) {
            return userDelete(u.name());
        } else if (c instanceof AuthCommand.UserChangePassword u) {
            return changePassword(u);
        } else if (c instanceof AuthCommand.UserGrantRole g) {
            return grantRole(g.user(), g.role());
        } else if (c instanceof AuthCommand.UserRevokeRole r) {
            return revokeRole(r.name(), r.role());
        } else if (c instanceof AuthCommand.RoleAdd r) {
            return roleAdd(r.name());
        } else if (c instanceof AuthCommand.RoleDelete r) {
            return roleDelete(r.role());
        } else if (c instanceof AuthCommand.RoleGrantPermission g) {
            return grantPermission(g);
        }
        return revokePermission((AuthCommand.RoleRevokePermission) c);
    }

    private EtcdError enable() {
        if (enabled) {
            return null;
        }
        User root = users.get(ROOT);
        if (root == null) {
            return EtcdError.ROOT_USER_NOT_EXIST;
        }
        if (!root.roles().contains(ROOT)) {
            return EtcdError.ROOT_ROLE_NOT_EXIST;
        }
        enabled = true;
        return null;
    }

    private EtcdError userAdd(AuthCommand.UserAdd u) {
        if (u.name().isEmpty()) {
            return EtcdError.USER_EMPTY;
        }
        if (users.containsKey(u.name())) {
            return EtcdError.USER_ALREADY_EXIST;
        }
        users.put(u.name(), new User(u.name(), u.noPassword() ? null : u.passwordHash(), List.of()));
        return null;
    }

    private EtcdError userDelete(String name) {
        if (enabled && name.equals(ROOT)) {
            return EtcdError.INVALID_AUTH_MGMT;
        }
        return users.remove(name) == null ? EtcdError.USER_NOT_FOUND : null;
    }

    private EtcdError changePassword(AuthCommand.UserChangePassword u) {
        User user = users.get(u.name());
        if (user == null) {
            return EtcdError.USER_NOT_FOUND;
        }
        if (user.passwordHash() == null) {
            return null; // as etcd: a user created with no_password keeps having none
        }
        if (u.passwordHash() == null) {
            return EtcdError.NO_PASSWORD_USER; // the client's hashed_password was not base64
        }
        users.put(u.name(), new User(user.name(), u.passwordHash(), user.roles()));
        return null;
    }

    private EtcdError grantRole(String userName, String role) {
        User user = users.get(userName);
        if (user == null) {
            return EtcdError.USER_NOT_FOUND;
        }
        if (!role.equals(ROOT) && !roles.containsKey(role)) {
            return EtcdError.ROLE_NOT_FOUND;
        }
        if (user.roles().contains(role)) {
            return null;
        }
        List<String> next = new ArrayList<>(user.roles());
        next.add(role);
        next.sort(null);
        users.put(userName, new User(user.name(), user.passwordHash(), List.copyOf(next)));
        return null;
    }

    private EtcdError revokeRole(String userName, String role) {
        if (enabled && userName.equals(ROOT) && role.equals(ROOT)) {
            return EtcdError.INVALID_AUTH_MGMT;
        }
        User user = users.get(userName);
        if (user == null) {
            return EtcdError.USER_NOT_FOUND;
        }
        if (!user.roles().contains(role)) {
            return EtcdError.ROLE_NOT_GRANTED;
        }
        List<String> next = new ArrayList<>(user.roles());
        next.remove(role);
        users.put(userName, new User(user.name(), user.passwordHash(), List.copyOf(next)));
        return null;
    }

    private EtcdError roleAdd(String name) {
        if (name.isEmpty()) {
            return EtcdError.ROLE_EMPTY;
        }
        if (roles.containsKey(name)) {
            return EtcdError.ROLE_ALREADY_EXIST;
        }
        roles.put(name, new Role(name, List.of()));
        return null;
    }

    private EtcdError roleDelete(String name) {
        if (enabled && name.equals(ROOT)) {
            return EtcdError.INVALID_AUTH_MGMT;
        }
        if (roles.remove(name) == null) {
            return EtcdError.ROLE_NOT_FOUND;
        }
        for (Map.Entry<String, User> u : new TreeMap<>(users).entrySet()) {
            if (u.getValue().roles().contains(name)) {
                List<String> next = new ArrayList<>(u.getValue().roles());
                next.remove(name);
                users.put(u.getKey(), new User(u.getKey(), u.getValue().passwordHash(), List.copyOf(next)));
            }
        }
        return null;
    }

    private EtcdError grantPermission(AuthCommand.RoleGrantPermission g) {
        Role role = roles.get(g.name());
        if (role == null) {
            return EtcdError.ROLE_NOT_FOUND;
        }
        // etcd's rule: the first permission whose key is not below the new one's is updated when
        // it has the same key and range end (etcd looks at that one only, so a same range further
        // on is added again, as there); otherwise the new one is appended and the list sorted by
        // key, equal keys keeping their order (etcd's sort, an insertion sort up to twelve).
        List<Permission> next = new ArrayList<>(role.permissions());
        int at = 0;
        while (at < next.size() && dev.cachai.engine.Bytes.compare(next.get(at).key(), g.key()) < 0) {
            at++;
        }
        Permission granted = new Permission(Permission.Type.values()[g.permType()], g.key(), g.rangeEnd());
        if (at < next.size() && next.get(at).sameRange(g.key(), g.rangeEnd())) {
            next.set(at, granted);
        } else {
            next.add(granted);
            next.sort((a, b) -> dev.cachai.engine.Bytes.compare(a.key(), b.key()));
        }
        roles.put(role.name(), new Role(role.name(), List.copyOf(next)));
        return null;
    }

    private EtcdError revokePermission(AuthCommand.RoleRevokePermission r) {
        Role role = roles.get(r.role());
        if (role == null) {
            return EtcdError.ROLE_NOT_FOUND;
        }
        List<Permission> next = new ArrayList<>(role.permissions());
        if (!next.removeIf(p -> p.sameRange(r.key(), r.rangeEnd()))) {
            return EtcdError.PERMISSION_NOT_GRANTED;
        }
        roles.put(role.name(), new Role(role.name(), List.copyOf(next)));
        return null;
    }

    /** Whether {@code user} may read (or write) all of [key, end). Root role may do everything. */
    public boolean permitted(String userName, byte[] key, byte[] end, boolean write) {
        if (!enabled) {
            return true;
        }
        User user = users.get(userName);
        if (user == null) {
            return false;
        }
        if (user.roles().contains(ROOT)) {
            return true;
        }
        for (String r : user.roles()) {
            Role role = roles.get(r);
            if (role == null) {
                continue;
            }
            for (Permission p : role.permissions()) {
                if ((write ? p.allowsWrite() : p.allowsRead()) && p.covers(key, end)) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean isRoot(String userName) {
        User user = users.get(userName);
        return user != null && user.roles().contains(ROOT);
    }

    /** Replaces the whole store (snapshot restore). */
    public void restore(boolean isEnabled, long revision, List<User> allUsers, List<Role> allRoles) {
        users.clear();
        roles.clear();
        allUsers.forEach(u -> users.put(u.name(), u));
        allRoles.forEach(r -> roles.put(r.name(), r));
        enabled = isEnabled;
        authRevision = revision;
    }
}
