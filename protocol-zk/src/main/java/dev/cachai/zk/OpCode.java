package dev.cachai.zk;

/** ZooKeeper's ZooDefs.OpCode values. */
public final class OpCode {
    public static final int NOTIFICATION = 0;
    public static final int CREATE = 1;
    public static final int DELETE = 2;
    public static final int EXISTS = 3;
    public static final int GET_DATA = 4;
    public static final int SET_DATA = 5;
    public static final int GET_ACL = 6;
    public static final int SET_ACL = 7;
    public static final int GET_CHILDREN = 8;
    public static final int SYNC = 9;
    public static final int PING = 11;
    public static final int GET_CHILDREN2 = 12;
    public static final int CHECK = 13;
    public static final int MULTI = 14;
    public static final int CREATE2 = 15;
    public static final int RECONFIG = 16;
    public static final int CHECK_WATCHES = 17;
    public static final int REMOVE_WATCHES = 18;
    public static final int CREATE_CONTAINER = 19;
    public static final int DELETE_CONTAINER = 20;
    public static final int CREATE_TTL = 21;
    public static final int MULTI_READ = 22;
    public static final int AUTH = 100;
    public static final int SET_WATCHES = 101;
    public static final int SASL = 102;
    public static final int GET_EPHEMERALS = 103;
    public static final int GET_ALL_CHILDREN_NUMBER = 104;
    public static final int SET_WATCHES2 = 105;
    public static final int ADD_WATCH = 106;
    public static final int WHO_AM_I = 107;
    public static final int CREATE_SESSION = -10;
    public static final int CLOSE_SESSION = -11;
    public static final int ERROR = -1;

    /** Reserved xids of replies that answer no numbered request. */
    public static final int XID_WATCH_EVENT = -1;
    public static final int XID_PING = -2;
    public static final int XID_AUTH = -4;
    public static final int XID_SET_WATCHES = -8;

    private OpCode() {}

    /** The short names ZooKeeper's cons word shows as "lop" (FinalRequestProcessor's lastOp). */
    public static String lastOpName(int type) {
        return switch (type) {
            case PING -> "PING";
            case CREATE, CREATE2, CREATE_TTL, CREATE_CONTAINER -> "CREA";
            case DELETE, DELETE_CONTAINER -> "DELE";
            case SET_DATA -> "SETD";
            case EXISTS -> "EXIS";
            case GET_DATA -> "GETD";
            case GET_ACL -> "GETA";
            case SET_ACL -> "SETA";
            case GET_CHILDREN, GET_CHILDREN2 -> "GETC";
            case GET_ALL_CHILDREN_NUMBER -> "GETACN";
            case GET_EPHEMERALS -> "GETE";
            case SYNC -> "SYNC";
            case CHECK -> "CHEC";
            case MULTI -> "MULT";
            case MULTI_READ -> "MLTR";
            case SET_WATCHES, SET_WATCHES2 -> "SETW";
            case ADD_WATCH -> "ADDW";
            case CHECK_WATCHES -> "CHKW";
            case REMOVE_WATCHES -> "REMW";
            case WHO_AM_I -> "HOMI";
            case CLOSE_SESSION -> "CLOS";
            default -> "NA";
        };
    }

    /** Requests that go through the log (or a barrier) and so complete asynchronously. */
    public static boolean isAsync(int type) {
        return switch (type) {
            case CREATE, CREATE2, CREATE_CONTAINER, CREATE_TTL, DELETE, SET_DATA, SET_ACL, MULTI,
                 SYNC, CLOSE_SESSION, RECONFIG -> true;
            default -> false;
        };
    }
}
