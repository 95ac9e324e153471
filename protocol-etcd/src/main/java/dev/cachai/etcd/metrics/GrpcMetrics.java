package dev.cachai.etcd.metrics;

import dev.cachai.metrics.Counter;
import dev.cachai.metrics.CounterFamily;
import dev.cachai.metrics.MetricRegistry;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * go-grpc-prometheus's server counters, which etcd exports: RPCs started, and RPCs handled by
 * status code, per method. Every method's series exist from the start (at 0), as etcd shows them.
 */
public final class GrpcMetrics implements ServerInterceptor {
    private final CounterFamily started;
    private final CounterFamily handled;
    /** Per method: its started counter and its handled counter per code, so a call does no label lookup. */
    private final Map<String, MethodCounters> methods = new ConcurrentHashMap<>();

    private record MethodCounters(Counter started, Map<Status.Code, Counter> handled) {}

    public GrpcMetrics(MetricRegistry registry) {
        started = registry.counterFamily("grpc_server_started_total", "Total number of RPCs started on the server.",
                "grpc_type", "grpc_service", "grpc_method");
        handled = registry.counterFamily("grpc_server_handled_total",
                "Total number of RPCs completed on the server, regardless of success or failure.",
                "grpc_type", "grpc_service", "grpc_method", "grpc_code");
    }

    /** Creates every method's series at 0. */
    public void initialize(List<ServerServiceDefinition> services) {
        for (ServerServiceDefinition service : services) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                countersOf(method.getMethodDescriptor());
            }
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        MethodCounters counters = countersOf(call.getMethodDescriptor());
        counters.started().inc();
        AtomicBoolean done = new AtomicBoolean();
        ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (done.compareAndSet(false, true)) {
                    counters.handled().get(status.getCode()).inc();
                }
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
            @Override
            public void onCancel() {
                // The client went away before an answer: go's handler returns Canceled then.
                if (done.compareAndSet(false, true)) {
                    counters.handled().get(Status.Code.CANCELLED).inc();
                }
                super.onCancel();
            }
        };
    }

    private MethodCounters countersOf(MethodDescriptor<?, ?> method) {
        MethodCounters existing = methods.get(method.getFullMethodName());
        return existing != null ? existing : methods.computeIfAbsent(method.getFullMethodName(), k -> create(method));
    }

    private MethodCounters create(MethodDescriptor<?, ?> method) {
        String type = typeLabel(method.getType());
        String service = method.getServiceName();
        String name = method.getBareMethodName();
        Map<Status.Code, Counter> byCode = new EnumMap<>(Status.Code.class);
        for (Status.Code code : Status.Code.values()) {
            byCode.put(code, handled.labels(type, service, name, codeLabel(code)));
        }
        return new MethodCounters(started.labels(type, service, name), byCode);
    }

    static String typeLabel(MethodDescriptor.MethodType type) {
        return switch (type) {
            case UNARY -> "unary";
            case CLIENT_STREAMING -> "client_stream";
            case SERVER_STREAMING -> "server_stream";
            default -> "bidi_stream";
        };
    }

    /** Go's names for status codes: OK, Canceled, InvalidArgument, DeadlineExceeded... */
    static String codeLabel(Status.Code code) {
        if (code == Status.Code.OK) {
            return "OK";
        }
        if (code == Status.Code.CANCELLED) {
            return "Canceled";
        }
        StringBuilder out = new StringBuilder();
        for (String word : code.name().split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
