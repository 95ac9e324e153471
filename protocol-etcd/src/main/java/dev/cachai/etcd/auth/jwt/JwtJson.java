package dev.cachai.etcd.auth.jwt;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;

/**
 * The JSON of a JWT's header and claims, with protobuf's JSON support as the gateway uses it.
 * Claims parse into a {@link Struct}, whose numbers are doubles: exactly how etcd (golang-jwt's
 * MapClaims) reads "revision" and "exp".
 */
final class JwtJson {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private JwtJson() {}

    /** The header etcd writes, keys in golang-jwt's (sorted) order. */
    static String header(JwtSignMethod method) {
        return "{\"alg\":" + string(method.alg()) + ",\"typ\":\"JWT\"}";
    }

    /** The claims etcd puts in a token, keys in the same order as etcd's. */
    static String claims(String user, long authRevision, long expiresAtSeconds) {
        return "{\"exp\":" + expiresAtSeconds + ",\"revision\":" + authRevision + ",\"username\":" + string(user) + "}";
    }

    /** A JSON object, or null when the text is not one. */
    static Struct parseObject(String json) {
        Struct.Builder b = Struct.newBuilder();
        try {
            PARSER.merge(json, b);
            return b.build();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return null;
        }
    }

    private static String string(String s) {
        try {
            return PRINTER.print(Value.newBuilder().setStringValue(s).build());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a string value always prints", e);
        }
    }
}
