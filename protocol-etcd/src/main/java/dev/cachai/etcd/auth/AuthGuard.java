package dev.cachai.etcd.auth;

import dev.cachai.engine.Engine;
import dev.cachai.engine.EtcdError;
import dev.cachai.engine.auth.AuthStore;
import dev.cachai.engine.command.Txn;
import dev.cachai.engine.command.TxnOp;
import dev.cachai.engine.kv.RangeRequest;
import dev.cachai.etcd.support.EtcdException;
import io.grpc.Context;

/**
 * Per-request permission checks against the replicated auth store, for the user the
 * {@link AuthInterceptor} put in the gRPC context.
 */
public final class AuthGuard {
    /** The authenticated user of the current call, absent when no valid token was given. */
    public static final Context.Key<String> USER = Context.key("cachai-etcd-user");

    private final Engine engine;
    private final Tokens tokens;

    public AuthGuard(Engine engine, Tokens tokens) {
        this.engine = engine;
        this.tokens = tokens;
    }

    public Tokens tokens() {
        return tokens;
    }

    public boolean enabled() {
        return engine.auth().enabled();
    }

    public static String currentUser() {
        return USER.get();
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
        String user = requireUser();
        if (!auth.isRoot(user)) {
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
        String user = requireUser();
        if (!auth.permitted(user, key, end, write)) {
            throw new EtcdException(EtcdError.PERMISSION_DENIED);
        }
    }

    private String requireUser() {
        String user = USER.get();
        if (user == null || user.isEmpty()) {
            throw new EtcdException(EtcdError.USER_EMPTY);
        }
        return user;
    }
}
