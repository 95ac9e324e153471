package dev.cachai.etcd.gateway;

import dev.cachai.engine.EtcdError;
import dev.cachai.engine.GatewayException;
import dev.cachai.engine.NodeHealth;
import dev.cachai.etcd.EtcdContext;
import dev.cachai.etcd.maintenance.Alarms;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * etcd's health endpoints, answered from the node's health and, where etcd reads through raft, a
 * read barrier through the log: /health (JSON, 503 when false), /livez and /readyz (plain text,
 * {@code ?verbose} lists the checks, {@code ?exclude=} skips some, {@code /readyz/<check>} runs one).
 */
final class HealthChecks {
    /** A linearizable read that has not completed by then fails the check (etcd's request timeout). */
    static final long READ_TIMEOUT_MS = 5_000;

    record Answer(HttpResponseStatus status, String body) {}

    private final EtcdContext ctx;
    private final Map<String, Supplier<CompletableFuture<Optional<String>>>> livez = new LinkedHashMap<>();
    private final Map<String, Supplier<CompletableFuture<Optional<String>>>> readyz = new LinkedHashMap<>();

    HealthChecks(EtcdContext ctx) {
        this.ctx = ctx;
        livez.put("serializable_read", this::serializableRead);
        readyz.put("data_corruption", this::dataCorruption);
        readyz.put("serializable_read", this::serializableRead);
        readyz.put("linearizable_read", this::linearizableRead);
    }

    /** The answer for a probe path, or empty when the path is not one of them. */
    Optional<CompletableFuture<Answer>> answer(String path, QueryStringDecoder query) {
        if (path.equals("/health")) {
            return Optional.of(health(query));
        }
        for (String kind : List.of("livez", "readyz")) {
            Map<String, Supplier<CompletableFuture<Optional<String>>>> checks = kind.equals("livez") ? livez : readyz;
            if (path.equals("/" + kind)) {
                List<String> names = new ArrayList<>(checks.keySet());
                names.removeAll(query.parameters().getOrDefault("exclude", List.of()));
                return Optional.of(run(checks, names, query.parameters().containsKey("verbose")));
            }
            String check = path.startsWith("/" + kind + "/") ? path.substring(kind.length() + 2) : "";
            if (checks.containsKey(check)) {
                return Optional.of(run(checks, List.of(check), query.parameters().containsKey("verbose")));
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- /health

    private CompletableFuture<Answer> health(QueryStringDecoder query) {
        List<String> excluded = query.parameters().getOrDefault("exclude", List.of());
        boolean serializable = "true".equals(first(query, "serializable"));
        Optional<String> alarm = activeAlarm(excluded);
        CompletableFuture<Optional<String>> reason;
        if (alarm.isPresent()) {
            reason = CompletableFuture.completedFuture(alarm);
        } else if (!serializable && !node().hasLeader()) {
            reason = CompletableFuture.completedFuture(Optional.of("RAFT NO LEADER"));
        } else {
            reason = (serializable ? serializableRead() : linearizableRead())
                    .thenApply(error -> error.map(e -> "RANGE ERROR:" + e));
        }
        return reason.thenApply(r -> {
            ctx.metrics().healthChecked(r.isEmpty());
            String json = "{\"health\":\"" + r.isEmpty() + "\",\"reason\":\"" + r.orElse("") + "\"}";
            return r.isEmpty() ? new Answer(HttpResponseStatus.OK, json)
                    : new Answer(HttpResponseStatus.SERVICE_UNAVAILABLE, json + "\n");
        });
    }

    private Optional<String> activeAlarm(List<String> excluded) {
        for (Alarms.Type type : ctx.alarms().active().values()) {
            if (!excluded.contains(type.name())) {
                return Optional.of("ALARM " + (type == Alarms.Type.NOSPACE || type == Alarms.Type.CORRUPT
                        ? type.name() : "UNKNOWN"));
            }
        }
        return Optional.empty();
    }

    private static String first(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    // ---------------------------------------------------------------- /livez, /readyz

    private CompletableFuture<Answer> run(Map<String, Supplier<CompletableFuture<Optional<String>>>> checks,
                                          List<String> names, boolean verbose) {
        List<CompletableFuture<Optional<String>>> results = new ArrayList<>();
        for (String name : names) {
            results.add(checks.get(name).get());
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            StringBuilder lines = new StringBuilder();
            boolean failed = false;
            for (int i = 0; i < names.size(); i++) {
                Optional<String> error = results.get(i).join();
                failed |= error.isPresent();
                String name = names.get(i);
                lines.append(error.map(e -> "[-]" + name + " failed: " + e).orElse("[+]" + name + " ok")).append('\n');
            }
            // Failures always list every check; success lists them only when asked.
            if (failed) {
                return new Answer(HttpResponseStatus.SERVICE_UNAVAILABLE, lines + "\n");
            }
            return new Answer(HttpResponseStatus.OK, (verbose ? lines : "") + "ok\n");
        });
    }

    private NodeHealth node() {
        return ctx.gateway().health();
    }

    /** A local read works while the node runs. */
    private CompletableFuture<Optional<String>> serializableRead() {
        return CompletableFuture.completedFuture(node().live() ? Optional.empty()
                : Optional.of(EtcdError.STOPPED.message()));
    }

    /** A read through the log: needs a leader and this node caught up to the read index. */
    private CompletableFuture<Optional<String>> linearizableRead() {
        if (!node().live()) {
            return CompletableFuture.completedFuture(Optional.of(EtcdError.STOPPED.message()));
        }
        if (!node().hasLeader()) {
            return CompletableFuture.completedFuture(Optional.of(EtcdError.NO_LEADER.message()));
        }
        return ctx.gateway().readBarrier().orTimeout(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .handle((index, e) -> e == null ? Optional.empty() : Optional.of(readError(e)));
    }

    private static String readError(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof GatewayException g) {
            return g.error().message();
        }
        if (cause instanceof TimeoutException) {
            return EtcdError.TIMEOUT.message();
        }
        return String.valueOf(cause.getMessage());
    }

    private CompletableFuture<Optional<String>> dataCorruption() {
        boolean corrupt = ctx.alarms().active().containsValue(Alarms.Type.CORRUPT);
        return CompletableFuture.completedFuture(corrupt ? Optional.of("alarm activated: CORRUPT") : Optional.empty());
    }
}
