package dev.cachai.engine.zk;

/** One ZooKeeper ACL entry: permission bits for an identity ({@code scheme}, {@code id}). */
public record Acl(int perms, String scheme, String id) {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int CREATE = 4;
    public static final int DELETE = 8;
    public static final int ADMIN = 16;
    public static final int ALL = READ | WRITE | CREATE | DELETE | ADMIN;

    public static final java.util.List<Acl> OPEN_ACL_UNSAFE = java.util.List.of(new Acl(ALL, "world", "anyone"));

    public Acl {
        java.util.Objects.requireNonNull(scheme, "scheme");
        java.util.Objects.requireNonNull(id, "id");
    }
}
