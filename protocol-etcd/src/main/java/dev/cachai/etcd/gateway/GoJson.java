package dev.cachai.etcd.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON read the way etcd's gateway reads it (Go's encoding/json under grpc-gateway), so a bad
 * body is refused with the same text: "invalid character 'g' looking for beginning of value",
 * "unexpected EOF", "illegal base64 data at input byte 2". Values come out as a small tree:
 * {@link Map} (duplicate keys: the last wins), {@link List}, {@link Str}, {@link Num},
 * {@link Boolean} and {@link #NULL}.
 */
final class GoJson {
    /** JSON null, which Go's decoders treat as "leave the field alone". */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON string: its decoded text and the bytes between its quotes as sent (jsonpb reads numbers from those). */
    record Str(String value, String raw) {}

    /** A JSON number, as its literal. */
    record Num(String literal) {}

    /** A refusal worded as Go's encoding/json or jsonpb words it. */
    static final class GoJsonException extends Exception {
        GoJsonException(String message) {
            super(message);
        }
    }

    /**
     * Objects and arrays open at once. Go allows 10,000 before "exceeded max depth"; reading
     * recursively on an event loop's stack, we stop at 1,000 with that text (no etcd request
     * nests more than a few levels).
     */
    static final int NESTING_DEPTH_MAX = 1_000;
    private static final String UNEXPECTED_EOF = "unexpected EOF";
    private static final String UNEXPECTED_END = "unexpected end of JSON input";

    private final byte[] in;
    private int pos;
    /** What running out of input mid-value is called: a Decoder's and Unmarshal's texts differ. */
    private final String endOfInput;
    private int depth;

    private GoJson(byte[] in, String endOfInput) {
        this.in = in;
        this.endOfInput = endOfInput;
    }

    /** Reads values one after another from a request body, as json.Decoder does. */
    static final class Decoder {
        private final GoJson reader;

        Decoder(byte[] body) {
            this.reader = new GoJson(body, UNEXPECTED_EOF);
        }

        /** The next value; null once only whitespace is left. Whatever follows a value is not looked at yet. */
        Object next() throws GoJsonException {
            reader.skipSpace();
            if (reader.pos == reader.in.length) {
                return null;
            }
            return reader.value();
        }
    }

    /** One whole input holding exactly one value, as json.Unmarshal reads it. */
    static Object unmarshal(String text) throws GoJsonException {
        GoJson reader = new GoJson(text.getBytes(StandardCharsets.UTF_8), UNEXPECTED_END);
        reader.skipSpace();
        if (reader.pos == reader.in.length) {
            throw new GoJsonException(UNEXPECTED_END);
        }
        Object v = reader.value();
        reader.skipSpace();
        if (reader.pos < reader.in.length) {
            throw reader.invalid(reader.in[reader.pos], "after top-level value");
        }
        return v;
    }

    private Object value() throws GoJsonException {
        int c = peek();
        switch (c) {
            case '{':
            case '[':
                return nested(c);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw invalid(c, "looking for beginning of value");
        }
    }

    /** An object or an array, counted against the nesting limit while it is read. */
    private Object nested(int opening) throws GoJsonException {
        if (++depth > NESTING_DEPTH_MAX) {
            throw new GoJsonException("exceeded max depth");
        }
        pos++; // the opening bracket
        Object v = opening == '{' ? object() : array();
        depth--;
        return v;
    }

    private Map<String, Object> object() throws GoJsonException {
        Map<String, Object> fields = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return fields;
        }
        while (true) {
            if (peek() != '"') {
                throw invalid(peek(), "looking for beginning of object key string");
            }
            String key = string().value();
            skipSpace();
            if (peek() != ':') {
                throw invalid(peek(), "after object key");
            }
            pos++;
            skipSpace();
            fields.put(key, value());
            skipSpace();
            int c = peek();
            pos++;
            if (c == '}') {
                return fields;
            }
            if (c != ',') {
                throw invalid(c, "after object key:value pair");
            }
            skipSpace();
        }
    }

    private List<Object> array() throws GoJsonException {
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return items;
        }
        while (true) {
            skipSpace();
            items.add(value());
            skipSpace();
            int c = peek();
            pos++;
            if (c == ']') {
                return items;
            }
            if (c != ',') {
                throw invalid(c, "after array element");
            }
        }
    }

    private Str string() throws GoJsonException {
        int start = ++pos; // after the opening quote
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        while (true) {
            int c = peek();
            pos++;
            if (c == '"') {
                return new Str(new String(decoded.toByteArray(), StandardCharsets.UTF_8),
                        new String(in, start, pos - 1 - start, StandardCharsets.UTF_8));
            }
            if (c == '\\') {
                escape(decoded);
            } else if (c < 0x20) {
                throw invalid(c, "in string literal");
            } else {
                decoded.write(c);
            }
        }
    }

    private void escape(ByteArrayOutputStream decoded) throws GoJsonException {
        int c = peek();
        pos++;
        switch (c) {
            case '"', '\\', '/' -> decoded.write(c);
            case 'b' -> decoded.write('\b');
            case 'f' -> decoded.write('\f');
            case 'n' -> decoded.write('\n');
            case 'r' -> decoded.write('\r');
            case 't' -> decoded.write('\t');
            case 'u' -> {
                int unit = hex4();
                if (Character.isHighSurrogate((char) unit) && pos + 1 < in.length && in[pos] == '\\' && in[pos + 1] == 'u') {
                    int mark = pos;
                    pos += 2;
                    int low = hex4();
                    if (Character.isLowSurrogate((char) low)) {
                        writeUtf8(decoded, Character.toCodePoint((char) unit, (char) low));
                        return;
                    }
                    pos = mark; // not a pair: the first stands alone, the second is read on its own
                }
                writeUtf8(decoded, Character.isSurrogate((char) unit) ? 0xFFFD : unit);
            }
            default -> throw invalid(c, "in string escape code");
        }
    }

    private int hex4() throws GoJsonException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int c = peek();
            int d = Character.digit(c, 16);
            if (c >= 0x80 || d < 0) {
                throw invalid(c, "in \\u hexadecimal character escape");
            }
            v = v * 16 + d;
            pos++;
        }
        return v;
    }

    private static void writeUtf8(ByteArrayOutputStream out, int codePoint) {
        out.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
    }

    private Num number() throws GoJsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
            if (!isDigit(peek())) {
                throw invalid(peek(), "in numeric literal");
            }
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (pos < in.length && in[pos] == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw invalid(peek(), "after decimal point in numeric literal");
            }
            digits();
        }
        if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw invalid(peek(), "in exponent of numeric literal");
            }
            digits();
        }
        return new Num(new String(in, start, pos - start, StandardCharsets.US_ASCII));
    }

    private void digits() {
        while (pos < in.length && isDigit(in[pos])) {
            pos++;
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) throws GoJsonException {
        pos++; // its first letter, already matched
        for (int i = 1; i < word.length(); i++) {
            int c = peek();
            if (c != word.charAt(i)) {
                throw invalid(c, "in literal " + word + " (expecting '" + word.charAt(i) + "')");
            }
            pos++;
        }
    }

    private void skipSpace() {
        while (pos < in.length && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\r' || in[pos] == '\n')) {
            pos++;
        }
    }

    /** The byte at the cursor; running out of input here ends the read with Go's end-of-input text. */
    private int peek() throws GoJsonException {
        if (pos >= in.length) {
            throw new GoJsonException(endOfInput);
        }
        return in[pos] & 0xff;
    }

    private GoJsonException invalid(int c, String context) {
        return new GoJsonException("invalid character " + quoteChar(c) + " " + context);
    }

    /** Go's scanner quotes the offending byte as strconv.Quote quotes string(rune(c)), in single quotes. */
    static String quoteChar(int c) {
        if (c == '\'') {
            return "'\\''";
        }
        if (c == '"') {
            return "'\"'";
        }
        return "'" + goQuoted(c) + "'";
    }

    private static String goQuoted(int c) {
        switch (c) {
            case 7: return "\\a";
            case '\b': return "\\b";
            case '\f': return "\\f";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            case 11: return "\\v";
            case '\\': return "\\\\";
            default:
                if (c < 0x20 || c == 0x7f) {
                    return String.format("\\x%02x", c);
                }
                if ((c >= 0x80 && c < 0xa0) || c == 0xa0 || c == 0xad) {
                    return String.format("\\u%04x", c);
                }
                return String.valueOf((char) c);
        }
    }

    /**
     * Go's base64.StdEncoding.DecodeString, with its errors: padding required, CR and LF skipped
     * anywhere, and the failing input byte's index in the message.
     */
    static byte[] stdBase64(String text) throws GoJsonException {
        byte[] src = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length * 3 / 4);
        int si = 0;
        while (true) {
            int[] quantum = new int[4];
            int j = 0;
            while (j < 4) {
                if (si == src.length) {
                    if (j == 0) {
                        return out.toByteArray();
                    }
                    throw corrupt(si - j); // a quantum cut short: padding is required
                }
                int c = src[si++] & 0xff;
                int v = base64Value(c);
                if (v >= 0) {
                    quantum[j++] = v;
                } else if (c != '\n' && c != '\r') {
                    if (c != '=' || j < 2) {
                        throw corrupt(si - 1);
                    }
                    si = afterPadding(src, si, j);
                    emit(out, quantum, j);
                    return out.toByteArray();
                }
            }
            emit(out, quantum, 4);
        }
    }

    /** After the first '=' at quantum position {@code j} (2 or 3): the rest must be padding, then nothing. */
    private static int afterPadding(byte[] src, int si, int j) throws GoJsonException {
        if (j == 2) {
            si = skipNewlines(src, si);
            if (si == src.length) {
                throw corrupt(src.length);
            }
            if (src[si] != '=') {
                throw corrupt(si - 1);
            }
            si++;
        }
        si = skipNewlines(src, si);
        if (si < src.length) {
            throw corrupt(si);
        }
        return si;
    }

    private static int skipNewlines(byte[] src, int si) {
        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
            si++;
        }
        return si;
    }

    private static void emit(ByteArrayOutputStream out, int[] q, int sextets) {
        int bits = q[0] << 18 | q[1] << 12 | q[2] << 6 | q[3];
        out.write(bits >> 16);
        if (sextets > 2) {
            out.write(bits >> 8);
        }
        if (sextets > 3) {
            out.write(bits);
        }
    }

    private static int base64Value(int c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '+' ? 62 : c == '/' ? 63 : -1;
    }

    private static GoJsonException corrupt(int index) {
        return new GoJsonException("illegal base64 data at input byte " + index);
    }
}
