package dev.cachai.engine;

/**
 * etcd's server errors with the exact texts clients match on (etcd api/v3rpc/rpctypes).
 * {@code grpcCode} is the name of the io.grpc.Status.Code the adapter answers with.
 */
public enum EtcdError {
    EMPTY_KEY("INVALID_ARGUMENT", "etcdserver: key is not provided"),
    KEY_NOT_FOUND("INVALID_ARGUMENT", "etcdserver: key not found"),
    VALUE_PROVIDED("INVALID_ARGUMENT", "etcdserver: value is provided"),
    LEASE_PROVIDED("INVALID_ARGUMENT", "etcdserver: lease is provided"),
    TOO_MANY_OPS("INVALID_ARGUMENT", "etcdserver: too many operations in txn request"),
    DUPLICATE_KEY("INVALID_ARGUMENT", "etcdserver: duplicate key given in txn request"),
    INVALID_SORT_OPTION("INVALID_ARGUMENT", "etcdserver: invalid sort option"),
    COMPACTED("OUT_OF_RANGE", "etcdserver: mvcc: required revision has been compacted"),
    FUTURE_REV("OUT_OF_RANGE", "etcdserver: mvcc: required revision is a future revision"),
    NO_SPACE("RESOURCE_EXHAUSTED", "etcdserver: mvcc: database space exceeded"),

    LEASE_NOT_FOUND("NOT_FOUND", "etcdserver: requested lease not found"),
    LEASE_EXIST("FAILED_PRECONDITION", "etcdserver: lease already exists"),
    LEASE_TTL_TOO_LARGE("OUT_OF_RANGE", "etcdserver: too large lease TTL"),

    WATCH_CANCELED("CANCELLED", "etcdserver: watch canceled"),

    MEMBER_EXIST("FAILED_PRECONDITION", "etcdserver: member ID already exist"),
    PEER_URL_EXIST("FAILED_PRECONDITION", "etcdserver: Peer URLs already exists"),
    // etcd maps this one and TOO_MANY_REQUESTS to its client-side error values instead of gRPC
    // statuses, so they reach clients as code Unknown (HTTP 500 through the gateway).
    MEMBER_NOT_ENOUGH_STARTED("UNKNOWN", "etcdserver: re-configuration failed due to not enough started members"),
    MEMBER_BAD_URLS("INVALID_ARGUMENT", "etcdserver: given member URLs are invalid"),
    MEMBER_NOT_FOUND("NOT_FOUND", "etcdserver: member not found"),
    MEMBER_NOT_LEARNER("FAILED_PRECONDITION", "etcdserver: can only promote a learner member"),
    LEARNER_NOT_READY("FAILED_PRECONDITION", "etcdserver: can only promote a learner member which is in sync with leader"),
    TOO_MANY_LEARNERS("FAILED_PRECONDITION", "etcdserver: too many learner members in cluster"),

    REQUEST_TOO_LARGE("INVALID_ARGUMENT", "etcdserver: request is too large"),
    TOO_MANY_REQUESTS("UNKNOWN", "etcdserver: too many requests"),

    // etcd's auth store error with no gRPC mapping, so Unknown with the store's own text.
    NO_PASSWORD_USER("UNKNOWN", "auth: authentication failed, password was given for no password user"),
    ROOT_USER_NOT_EXIST("FAILED_PRECONDITION", "etcdserver: root user does not exist"),
    ROOT_ROLE_NOT_EXIST("FAILED_PRECONDITION", "etcdserver: root user does not have root role"),
    USER_ALREADY_EXIST("FAILED_PRECONDITION", "etcdserver: user name already exists"),
    USER_EMPTY("INVALID_ARGUMENT", "etcdserver: user name is empty"),
    USER_NOT_FOUND("FAILED_PRECONDITION", "etcdserver: user name not found"),
    ROLE_ALREADY_EXIST("FAILED_PRECONDITION", "etcdserver: role name already exists"),
    ROLE_NOT_FOUND("FAILED_PRECONDITION", "etcdserver: role name not found"),
    ROLE_EMPTY("INVALID_ARGUMENT", "etcdserver: role name is empty"),
    AUTH_FAILED("INVALID_ARGUMENT", "etcdserver: authentication failed, invalid user ID or password"),
    PERMISSION_NOT_GIVEN("INVALID_ARGUMENT", "etcdserver: permission not given"),
    PERMISSION_DENIED("PERMISSION_DENIED", "etcdserver: permission denied"),
    ROLE_NOT_GRANTED("FAILED_PRECONDITION", "etcdserver: role is not granted to the user"),
    PERMISSION_NOT_GRANTED("FAILED_PRECONDITION", "etcdserver: permission is not granted to the role"),
    AUTH_NOT_ENABLED("FAILED_PRECONDITION", "etcdserver: authentication is not enabled"),
    INVALID_AUTH_TOKEN("UNAUTHENTICATED", "etcdserver: invalid auth token"),
    INVALID_AUTH_MGMT("INVALID_ARGUMENT", "etcdserver: invalid auth management"),
    AUTH_OLD_REVISION("INVALID_ARGUMENT", "etcdserver: revision of auth store is old"),

    NO_LEADER("UNAVAILABLE", "etcdserver: no leader"),
    NOT_LEADER("FAILED_PRECONDITION", "etcdserver: not leader"),
    LEADER_CHANGED("UNAVAILABLE", "etcdserver: leader changed"),
    NOT_CAPABLE("FAILED_PRECONDITION", "etcdserver: not capable"),
    STOPPED("UNAVAILABLE", "etcdserver: server stopped"),
    TIMEOUT("UNAVAILABLE", "etcdserver: request timed out"),
    TIMEOUT_DUE_TO_LEADER_FAIL("UNAVAILABLE", "etcdserver: request timed out, possibly due to previous leader failure"),
    TIMEOUT_DUE_TO_CONNECTION_LOST("UNAVAILABLE", "etcdserver: request timed out, possibly due to connection lost"),
    TIMEOUT_WAIT_APPLIED_INDEX("UNAVAILABLE", "etcdserver: request timed out, waiting for the applied index took too long"),
    UNHEALTHY("UNAVAILABLE", "etcdserver: unhealthy cluster"),
    CORRUPT("DATA_LOSS", "etcdserver: corrupt cluster"),
    BAD_LEADER_TRANSFEREE("FAILED_PRECONDITION", "etcdserver: bad leader transferee"),
    /** Not in etcd's gRPC error map: it reaches clients with code Unknown. */
    TIMEOUT_LEADER_TRANSFER("UNKNOWN", "etcdserver: request timed out, leader transfer took too long");

    private final String grpcCode;
    private final String message;

    EtcdError(String grpcCode, String message) {
        this.grpcCode = grpcCode;
        this.message = message;
    }

    public String grpcCode() { return grpcCode; }
    public String message() { return message; }
}
