package dev.cachai.etcd.auth;

import dev.cachai.engine.Engine;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.auth.AuthStore;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.etcd.support.EtcdException;
import io.grpc.Context;

import java.util.function.LongSupplier;

/**
 * Per-request permission checks against the replicated auth store, for the credential the
 * {@link AuthInterceptor} put in the gRPC context. As etcd's isOpPermitted: no user is "user name
 * is empty"; a JWT issued before the store's latest change is "revision of auth store is old"
 * (clients then authenticate again); then the ranges the user's roles grant.
 */
public final class AuthGuard {
    /** Who the current call acts as, absent when no valid token was given. */
    public static final Context.Key<AuthInfo> CALLER = Context.key("cachai-etcd-caller");

    private final Engine engine;
    private final TokenProvider tokens;
    private final LongSupplier clockMs;

    public AuthGuard(Engine engine, TokenProvider tokens, LongSupplier clockMs) {
        this.engine = engine;
        this.tokens = tokens;
        this.clockMs = clockMs;
    }

    public TokenProvider tokens() {
        return tokens;
    }

    public boolean enabled() {
        return engine.auth().enabled();
    }

    /** The current call's credential, or null; capture it before leaving the call's thread. */
    public static AuthInfo caller() {
        return CALLER.get();
    }

    /**
     * After a read: etcd answers "revision of auth store is old" when the store changed while the
     * read ran, or the JWT carries any revision but the store's (etcd's doSerialize).
     */
    public void checkRevisionUnchanged(AuthInfo caller) {
        AuthStore auth = engine.auth();
        if (auth.enabled() && caller != null && !caller.issuedAtCurrentRevision()
                && caller.revision() != auth.authRevision()) {
            throw new EtcdException(EtcdError.AUTH_OLD_REVISION);
        }
    }

    public void checkRead(byte[] key, byte[] end) {
        check(key, end, false);
    }

    public void checkWrite(byte[] key, byte[] end) {
        check(key, end, true);
    }

    /** Root-only operations: auth management, compaction, maintenance that changes state. */
    public void checkAdmin() {
        AuthStore auth = engine.auth();
        if (!auth.enabled()) {
            return;
        }
        String user = requireCaller().user();
        if (!auth.isRoot(user)) {
            throw new EtcdException(EtcdError.PERMISSION_DENIED);
        }
    }

    /**
     * UserGet and RoleGet: root's, and also, as in etcd, a user's own record and the roles the
     * user holds.
     */
    public void checkAdminOrOwn(java.util.function.Predicate<String> ownedBy) {
        AuthStore auth = engine.auth();
        if (!auth.enabled()) {
            return;
        }
        String user = requireCaller().user();
        if (!auth.isRoot(user) && !ownedBy.test(user)) {
            throw new EtcdException(EtcdError.PERMISSION_DENIED);
        }
    }

    public void checkTxn(Txn txn) {
        if (!enabled()) {
            return;
        }
        for (var c : txn.compares()) {
            checkRead(c.key(), c.rangeEnd());
        }
        checkOps(txn.success());
        checkOps(txn.failure());
    }

    private void checkOps(java.util.List<TxnOp> ops) {
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.RangeOp r) {
                RangeRequest rr = r.range();
                checkRead(rr.key(), rr.rangeEnd());
            } else if (op instanceof TxnOp.PutOp p) {
                checkWrite(p.put().key(), dev.cachai.engine.Bytes.EMPTY);
            } else if (op instanceof TxnOp.DeleteOp d) {
                checkWrite(d.delete().key(), d.delete().rangeEnd());
            } else if (op instanceof TxnOp.TxnOpNested n) {
                checkTxn(n.txn());
            }
        }
    }

    private void check(byte[] key, byte[] end, boolean write) {
        AuthStore auth = engine.auth();
        if (!auth.enabled()) {
            return;
        }
        AuthInfo caller = requireCaller();
        if (caller.revision() < auth.authRevision()) {
            throw new EtcdException(EtcdError.AUTH_OLD_REVISION);
        }
        if (!auth.permitted(caller.user(), key, end, write)) {
            throw new EtcdException(EtcdError.PERMISSION_DENIED);
        }
    }

    /** The caller, whose JWT may have expired since the call (a watch stream) began. */
    private AuthInfo requireCaller() {
        AuthInfo caller = CALLER.get();
        if (caller == null || caller.user().isEmpty() || caller.revision() == 0) {
            throw new EtcdException(EtcdError.USER_EMPTY);
        }
        if (clockMs.getAsLong() >= caller.expiresAtMs()) {
            throw new EtcdException(EtcdError.INVALID_AUTH_TOKEN);
        }
        return caller;
    }
}
