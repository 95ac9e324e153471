package dev.cachai.migration.etcd;

import dev.cachai.migration.MigrationException;
import dev.cachai.migration.Report;
import dev.cachai.migration.etcd.bolt.BoltFile;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.cachai.etcd.proto.authpb.Role;
import dev.cachai.etcd.proto.authpb.User;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An etcd snapshot file ({@code etcdctl snapshot save}, or a stopped member's {@code member/snap/db}) read
 * offline. etcd's bucket "key" maps a revision (8-byte main revision big-endian, '_', 8-byte sub revision, and a trailing 't' for a
 * deletion) to an mvccpb.KeyValue; walking it in revision order and keeping each key's last version gives the
 * keyspace at the snapshot's revision. Bucket "lease" maps a lease id to a leasepb.Lease; its TTL is the granted one
 * (a snapshot does not record how much is left), as etcd's own restore grants it afresh. Buckets "authUsers" and
 * "authRoles" give the users (with their bcrypt hashes) and roles.
 */
final class SnapshotSource implements KeySource {
    static final int REVISION_BYTES = 17;
    static final byte TOMBSTONE_MARK = 't';
    /** leasepb.Lease field numbers. */
    static final int LEASE_FIELD_TTL = 2;
    static final int LEASE_FIELD_REMAINING_TTL = 3;
    static final byte[] AUTH_ENABLED_KEY = "authEnabled".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final KeyRange range;
    private final Report report;
    private List<KeyValue> keys = List.of();
    private final Map<Long, Long> leaseTtls = new HashMap<>();
    private long revision;
    private EtcdAuthData auth = EtcdAuthData.NONE;

    SnapshotSource(Path file, KeyRange range, Report report) {
        this.file = file;
        this.range = range;
        this.report = report;
    }

    @Override
    public long pin() {
        Map<ByteString, io.etcd.jetcd.api.KeyValue> latest = new HashMap<>();
        try (BoltFile bolt = new BoltFile(file)) {
            boolean hasKeys = bolt.forEach("key", (rev, value) -> apply(latest, rev, value));
            if (!hasKeys) {
                throw new MigrationException(file + " has no bucket \"key\": not an etcd v3 snapshot");
            }
            bolt.forEach("lease", (id, value) -> leaseTtls.put(ByteBuffer.wrap(id).getLong(), leaseTtl(value)));
            auth = readAuth(bolt);
        }
        List<io.etcd.jetcd.api.KeyValue> inRange = new ArrayList<>();
        for (io.etcd.jetcd.api.KeyValue kv : latest.values()) {
            if (range.contains(kv.getKey())) {
                inRange.add(kv);
            }
        }
        inRange.sort((a, b) -> ByteString.unsignedLexicographicalComparator().compare(a.getKey(), b.getKey()));
        List<KeyValue> out = new ArrayList<>(inRange.size());
        for (io.etcd.jetcd.api.KeyValue kv : inRange) {
            out.add(new KeyValue(kv, ByteSequence.EMPTY));
        }
        keys = out;
        System.err.println("loaded " + keys.size() + " keys, " + leaseTtls.size() + " leases, "
                + auth.users().size() + " users and " + auth.roles().size() + " roles from " + file
                + " at revision " + revision);
        return revision;
    }

    private void apply(Map<ByteString, io.etcd.jetcd.api.KeyValue> latest, byte[] rev, byte[] value) {
        if (rev.length < REVISION_BYTES || rev[8] != '_') {
            throw new MigrationException(file + ": bucket \"key\" holds a key that is not a revision");
        }
        revision = Math.max(revision, ByteBuffer.wrap(rev).getLong());
        io.etcd.jetcd.api.KeyValue kv;
        try {
            kv = io.etcd.jetcd.api.KeyValue.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new MigrationException(file + ": a value in bucket \"key\" is not a KeyValue: " + e.getMessage());
        }
        if (rev.length > REVISION_BYTES && rev[REVISION_BYTES] == TOMBSTONE_MARK) {
            latest.remove(kv.getKey());
            return;
        }
        if (latest.size() >= EtcdLimits.VERIFY_KEYS_MAX) {
            throw new MigrationException("more than " + EtcdLimits.VERIFY_KEYS_MAX + " keys in " + file);
        }
        latest.put(kv.getKey(), kv);
    }

    /** Buckets authUsers (authpb.User), authRoles (authpb.Role) and auth's authEnabled flag. */
    private EtcdAuthData readAuth(BoltFile bolt) {
        List<User> users = new ArrayList<>();
        List<Role> roles = new ArrayList<>();
        boolean[] enabled = new boolean[1];
        bolt.forEach("authUsers", (name, value) -> users.add(parse(User.parser(), value, "authUsers", users.size())));
        bolt.forEach("authRoles", (name, value) -> roles.add(parse(Role.parser(), value, "authRoles", roles.size())));
        bolt.forEach("auth", (name, value) -> {
            if (Arrays.equals(name, AUTH_ENABLED_KEY)) {
                enabled[0] = value.length == 1 && value[0] == 1;
            }
        });
        return new EtcdAuthData(users, roles, enabled[0]);
    }

    private <T> T parse(Parser<T> parser, byte[] value, String bucket, int held) {
        if (held >= EtcdLimits.AUTH_ENTRIES_MAX) {
            throw new MigrationException("more than " + EtcdLimits.AUTH_ENTRIES_MAX + " entries in bucket \""
                    + bucket + "\" of " + file);
        }
        try {
            return parser.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new MigrationException(file + ": a value in bucket \"" + bucket + "\" does not parse: " + e.getMessage());
        }
    }

    @Override
    public EtcdAuthData auth() {
        return auth;
    }

    /** The remaining TTL when etcd checkpointed one, else the granted TTL. */
    private long leaseTtl(byte[] lease) {
        long ttl = 0;
        long remaining = 0;
        try {
            CodedInputStream in = CodedInputStream.newInstance(lease);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int field = tag >>> 3;
                if (field == LEASE_FIELD_TTL) {
                    ttl = in.readInt64();
                } else if (field == LEASE_FIELD_REMAINING_TTL) {
                    remaining = in.readInt64();
                } else {
                    in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new MigrationException(file + ": a value in bucket \"lease\" is not a Lease: " + e.getMessage());
        }
        return remaining > 0 ? remaining : ttl;
    }

    @Override
    public long total() {
        return keys.size();
    }

    @Override
    public void readAll(PageSink sink) throws InterruptedException {
        for (int from = 0; from < keys.size(); from += EtcdLimits.PAGE_KEYS_MAX) {
            sink.accept(keys.subList(from, Math.min(keys.size(), from + EtcdLimits.PAGE_KEYS_MAX)));
        }
    }

    @Override
    public long leaseTtlSeconds(long leaseId) {
        Long ttl = leaseTtls.get(leaseId);
        if (ttl == null) {
            report.issue(Report.Count.NOTES, "lease " + Long.toHexString(leaseId) + " is not in " + file);
            return 0;
        }
        return ttl;
    }
}
