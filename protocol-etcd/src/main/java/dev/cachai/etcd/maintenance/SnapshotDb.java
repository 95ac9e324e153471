package dev.cachai.etcd.maintenance;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.cachai.engine.auth.AuthStore;
import dev.cachai.engine.auth.Permission;
import dev.cachai.engine.kv.KeyValue;
import dev.cachai.engine.lease.Lease;
import dev.cachai.etcd.auth.Passwords;
import dev.cachai.etcd.kv.KvProtos;
import dev.cachai.etcd.proto.authpb.Role;
import dev.cachai.etcd.proto.authpb.User;
import dev.cachai.etcd.proto.authpb.UserAddOptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The bytes Maintenance.Snapshot streams: a bbolt database laid out as etcd's backend, followed by
 * its SHA-256 as etcd's snapshots end, so {@code etcdctl snapshot status} reads it and {@code
 * etcdctl snapshot restore} makes an etcd data directory of it (as Cachai's migration tool reads
 * it back). It holds the keyspace at one revision without history: each key's current version in
 * bucket {@code key} (under its revision, 8 bytes big-endian, '_', 8 bytes of sub-revision, as
 * mvccpb.KeyValue), the leases in bucket {@code lease} (id as 8 bytes big-endian, leasepb.Lease),
 * and in bucket {@code meta} the revision as both the consistent index and the finished
 * compaction, so the store restored from it starts at this revision even when its last write was
 * a delete, and answers reads of older revisions as compacted. Users, roles and whether auth is on
 * are in etcd's auth buckets. The other buckets etcd creates are there, empty.
 */
final class SnapshotDb {
    private static final String[] EMPTY_BUCKETS = {"alarm", "cluster", "members", "members_removed"};
    private static final byte[] AUTH_ENABLED = {1};
    private static final byte[] AUTH_DISABLED = {0};
    private static final int REVISION_KEY_BYTES = 17;

    private SnapshotDb() {}

    /**
     * The file for {@code kvs} (every key at {@code revision}) and {@code leases}, in parts in
     * file order, the last one the SHA-256 of the others. {@code deletedAtRevision}, when not null,
     * is a key the revision deleted (none of {@code kvs} was written at it): its tombstone, the
     * file's newest entry, shows the revision to {@code etcdctl snapshot status}; etcd's restore
     * passes over a tombstone of a key it has not seen.
     */
    static List<byte[]> of(long revision, List<KeyValue> kvs, List<Lease> leases, byte[] deletedAtRevision,
                           AuthStore auth) {
        BoltWriter db = new BoltWriter();
        for (String name : EMPTY_BUCKETS) {
            db.bucket(bytes(name), List.of());
        }
        addAuth(db, auth);
        List<BoltWriter.Pair> keys = keyBucket(kvs);
        if (deletedAtRevision != null) {
            keys.add(tombstone(revision, deletedAtRevision));
        }
        db.bucket(bytes("key"), keys);
        db.bucket(bytes("lease"), leaseBucket(leases));
        db.bucket(bytes("meta"), metaBucket(revision));
        List<byte[]> parts = new ArrayList<>(db.toPages());
        parts.add(sha256(parts));
        return parts;
    }

    /**
     * Keys under their mod revision; keys one txn wrote share it and get sub-revisions 0, 1, ...
     * in key order (etcd numbers them in the txn's order, which a snapshot without history no
     * longer knows; nothing after a restore depends on it).
     */
    private static List<BoltWriter.Pair> keyBucket(List<KeyValue> kvs) {
        List<KeyValue> byRevision = new ArrayList<>(kvs);
        byRevision.sort(Comparator.comparingLong(KeyValue::modRevision)
                .thenComparing(KeyValue::key, java.util.Arrays::compareUnsigned));
        List<BoltWriter.Pair> out = new ArrayList<>(byRevision.size());
        long sub = 0;
        long previous = -1;
        for (KeyValue kv : byRevision) {
            sub = kv.modRevision() == previous ? sub + 1 : 0;
            previous = kv.modRevision();
            out.add(new BoltWriter.Pair(revisionKey(kv.modRevision(), sub), KvProtos.kv(kv).toByteArray()));
        }
        return out;
    }

    /**
     * Bucket {@code auth}: whether auth is on and its revision (8 bytes big-endian); {@code
     * authUsers} and {@code authRoles}: authpb.User and authpb.Role under their names. The
     * password hashes are etcd's bcrypt, so the users log in to a restored etcd as they did here.
     */
    private static void addAuth(BoltWriter db, AuthStore auth) {
        db.bucket(bytes("auth"), List.of(
                new BoltWriter.Pair(bytes("authEnabled"), auth.enabled() ? AUTH_ENABLED : AUTH_DISABLED),
                new BoltWriter.Pair(bytes("authRevision"), ByteBuffer.allocate(8).putLong(auth.authRevision()).array())));
        List<BoltWriter.Pair> users = new ArrayList<>();
        for (AuthStore.User u : auth.users()) {
            User.Builder b = User.newBuilder().setName(ByteString.copyFromUtf8(u.name())).addAllRoles(u.roles());
            if (u.passwordHash() == null) {
                b.setOptions(UserAddOptions.newBuilder().setNoPassword(true));
            } else {
                b.setPassword(ByteString.copyFrom(Passwords.toStored(u.passwordHash())));
            }
            users.add(new BoltWriter.Pair(bytes(u.name()), b.build().toByteArray()));
        }
        db.bucket(bytes("authUsers"), byKey(users));
        List<BoltWriter.Pair> roles = new ArrayList<>();
        for (AuthStore.Role r : auth.roles()) {
            Role.Builder b = Role.newBuilder().setName(ByteString.copyFromUtf8(r.name()));
            for (Permission p : r.permissions()) {
                b.addKeyPermission(dev.cachai.etcd.proto.authpb.Permission.newBuilder()
                        .setPermTypeValue(p.type().ordinal()).setKey(bytesOf(p.key()))
                        .setRangeEnd(bytesOf(p.rangeEnd())));
            }
            roles.add(new BoltWriter.Pair(bytes(r.name()), b.build().toByteArray()));
        }
        db.bucket(bytes("authRoles"), byKey(roles));
    }

    /** Names in their UTF-8 bytes' order, bbolt's (a String's own order differs past U+FFFF). */
    private static List<BoltWriter.Pair> byKey(List<BoltWriter.Pair> pairs) {
        pairs.sort((a, b) -> java.util.Arrays.compareUnsigned(a.key(), b.key()));
        return pairs;
    }

    private static ByteString bytesOf(byte[] b) {
        return b == null ? ByteString.EMPTY : ByteString.copyFrom(b);
    }

    /** etcd's tombstone: the revision's bytes with a 't' after them, a KeyValue with the key alone. */
    private static BoltWriter.Pair tombstone(long revision, byte[] key) {
        byte[] at = java.util.Arrays.copyOf(revisionKey(revision, 0), REVISION_KEY_BYTES + 1);
        at[REVISION_KEY_BYTES] = 't';
        return new BoltWriter.Pair(at, dev.cachai.etcd.proto.mvccpb.KeyValue.newBuilder()
                .setKey(ByteString.copyFrom(key)).build().toByteArray());
    }

    private static List<BoltWriter.Pair> leaseBucket(List<Lease> leases) {
        List<Lease> byId = new ArrayList<>(leases);
        // Stored big-endian, so in unsigned order (a ZooKeeper session's id may have its top bit set).
        byId.sort((a, b) -> Long.compareUnsigned(a.id(), b.id()));
        List<BoltWriter.Pair> out = new ArrayList<>(byId.size());
        for (Lease lease : byId) {
            out.add(new BoltWriter.Pair(ByteBuffer.allocate(8).putLong(lease.id()).array(), leaseProto(lease)));
        }
        return out;
    }

    /** leasepb.Lease: ID = 1, TTL = 2 (whole seconds, at least 1, as etcd grants). */
    private static byte[] leaseProto(Lease lease) {
        long ttlSeconds = Math.max(1, (lease.ttlMs() + 999) / 1000);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeInt64(1, lease.id());
            out.writeInt64(2, ttlSeconds);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<BoltWriter.Pair> metaBucket(long revision) {
        // Sorted by key: "consistent_index" < "finishedCompactRev".
        return List.of(
                new BoltWriter.Pair(bytes("consistent_index"), ByteBuffer.allocate(8).putLong(revision).array()),
                new BoltWriter.Pair(bytes("finishedCompactRev"), revisionKey(revision, 0)));
    }

    /** etcd's revision bytes: main revision, '_', sub-revision, both 8 bytes big-endian. */
    static byte[] revisionKey(long main, long sub) {
        return ByteBuffer.allocate(REVISION_KEY_BYTES).putLong(main).put((byte) '_').putLong(sub).array();
    }

    private static byte[] sha256(List<byte[]> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            parts.forEach(sha::update);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
