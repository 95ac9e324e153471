package dev.cachai.etcd.gateway;

import io.grpc.Status;
import io.netty.handler.codec.http.HttpResponseStatus;

/** grpc-gateway's mapping of gRPC codes to HTTP statuses and error bodies. */
final class GatewayErrors {
    private GatewayErrors() {}

    static HttpResponseStatus httpStatus(Status.Code code) {
        return switch (code) {
            case OK -> HttpResponseStatus.OK;
            case CANCELLED -> HttpResponseStatus.valueOf(499);
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> HttpResponseStatus.BAD_REQUEST;
            case DEADLINE_EXCEEDED -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case ALREADY_EXISTS, ABORTED -> HttpResponseStatus.CONFLICT;
            case PERMISSION_DENIED -> HttpResponseStatus.FORBIDDEN;
            case UNAUTHENTICATED -> HttpResponseStatus.UNAUTHORIZED;
            case RESOURCE_EXHAUSTED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case UNIMPLEMENTED -> HttpResponseStatus.NOT_IMPLEMENTED;
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }

    /** Body of a failed unary call, its keys in etcd 3.4's order: {"error":..,"message":..,"code":..}. */
    static String unary(Status status) {
        String msg = quote(status.getDescription() == null ? "" : status.getDescription());
        return "{\"error\":" + msg + ",\"message\":" + msg + ",\"code\":" + status.getCode().value() + "}";
    }

    /** A failure inside a stream: {"error":{"grpc_code","http_code","message","http_status"}}. */
    static String stream(Status status) {
        HttpResponseStatus http = httpStatus(status.getCode());
        return "{\"error\":{\"grpc_code\":" + status.getCode().value() + ",\"http_code\":" + http.code()
                + ",\"message\":" + quote(status.getDescription() == null ? "" : status.getDescription())
                + ",\"http_status\":" + quote(http.reasonPhrase()) + "}}";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
