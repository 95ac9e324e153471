package dev.cachai.migration.etcd;

/** One line for what went wrong in a jetcd call: the innermost cause's message, which carries etcd's own error text. */
final class EtcdErrors {
    private EtcdErrors() {}

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (message.contains("UNAVAILABLE") || message.contains("Connection refused")) {
            return "unreachable (" + message + ")";
        }
        return message;
    }
}
