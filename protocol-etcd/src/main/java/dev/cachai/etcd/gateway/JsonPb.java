package dev.cachai.etcd.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.cachai.etcd.gateway.GoJson.GoJsonException;
import dev.cachai.etcd.gateway.GoJson.Num;
import dev.cachai.etcd.gateway.GoJson.Str;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON value into a request message as etcd's gateway fills one (golang/protobuf's jsonpb
 * with unknown fields allowed): a field by its proto name, else its lowerCamel name; null leaves
 * a field unset; 64-bit integers as numbers or quoted numbers; enums by name or number; bytes
 * in standard base64. What jsonpb refuses is refused here with jsonpb's and encoding/json's text.
 */
final class JsonPb {
    private static final String OBJECT_TYPE = "map[string]json.RawMessage";
    private static final String LIST_TYPE = "[]json.RawMessage";

    private JsonPb() {}

    static Message toMessage(Object json, Message prototype) throws GoJsonException {
        Message.Builder b = prototype.newBuilderForType();
        fill(b, json);
        return b.build();
    }

    private static void fill(Message.Builder b, Object json) throws GoJsonException {
        if (json == GoJson.NULL) {
            return;
        }
        if (!(json instanceof Map<?, ?> fields)) {
            throw typeError(kind(json), OBJECT_TYPE);
        }
        Descriptor d = b.getDescriptorForType();
        // jsonpb fills plain fields in declaration order, then the members of oneofs.
        List<FieldDescriptor> order = new ArrayList<>();
        d.getFields().stream().filter(f -> f.getRealContainingOneof() == null).forEach(order::add);
        d.getFields().stream().filter(f -> f.getRealContainingOneof() != null).forEach(order::add);
        for (FieldDescriptor f : order) {
            Object value = fields.containsKey(f.getName()) ? fields.get(f.getName()) : fields.get(f.getJsonName());
            if (value != null && value != GoJson.NULL) {
                setField(b, f, value);
            }
        }
    }

    private static void setField(Message.Builder b, FieldDescriptor f, Object value) throws GoJsonException {
        if (!f.isRepeated()) {
            b.setField(f, single(b, f, value));
            return;
        }
        if (!(value instanceof List<?> items)) {
            throw typeError(kind(value), LIST_TYPE);
        }
        for (Object item : items) {
            if (item != GoJson.NULL || f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                b.addRepeatedField(f, single(b, f, item));
            }
        }
    }

    private static Object single(Message.Builder b, FieldDescriptor f, Object value) throws GoJsonException {
        if (value == GoJson.NULL && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            return f.getDefaultValue(); // a null in a list of scalars: encoding/json leaves the zero value
        }
        switch (f.getJavaType()) {
            case MESSAGE: {
                Message.Builder nested = b.newBuilderForField(f);
                fill(nested, value);
                return nested.build();
            }
            case ENUM:
                return enumValue(f.getEnumType(), value);
            case BYTE_STRING:
                return bytes(value);
            case STRING:
                return text(value);
            case BOOLEAN:
                return bool(value);
            case LONG:
                return integer(value, f, 64).longValue();
            case INT:
                return integer(value, f, 32).intValue();
            default:
                throw new GoJsonException("unsupported field type " + f.getType() + " of " + f.getFullName());
        }
    }

    private static EnumValueDescriptor enumValue(EnumDescriptor e, Object value) throws GoJsonException {
        if (value instanceof Str s) {
            EnumValueDescriptor v = e.findValueByName(s.raw());
            if (v == null) {
                throw new GoJsonException("unknown value " + goQuote(s.raw()) + " for enum " + goTypeName(e));
            }
            return v;
        }
        int number = integerLiteral(value, goTypeName(e), BigInteger.valueOf(Integer.MIN_VALUE),
                BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
        return e.findValueByNumberCreatingIfUnknown(number);
    }

    private static ByteString bytes(Object value) throws GoJsonException {
        if (value instanceof Str s) {
            return ByteString.copyFrom(GoJson.stdBase64(s.value()));
        }
        if (value instanceof List<?> items) {
            // encoding/json also takes a []byte as an array of its numbers.
            byte[] out = new byte[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) integerLiteral(items.get(i), "uint8", BigInteger.ZERO, BigInteger.valueOf(255)).intValue();
            }
            return ByteString.copyFrom(out);
        }
        throw typeError(kind(value), "[]uint8");
    }

    private static String text(Object value) throws GoJsonException {
        if (value instanceof Str s) {
            return s.value();
        }
        throw typeError(kind(value), "string");
    }

    private static boolean bool(Object value) throws GoJsonException {
        if (value instanceof Boolean v) {
            return v;
        }
        throw typeError(kind(value), "bool");
    }

    /** jsonpb drops a quoted number's quotes, as sent, and hands the rest to json.Unmarshal. */
    private static BigInteger integer(Object value, FieldDescriptor f, int bits) throws GoJsonException {
        boolean unsigned = f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.UINT32
                || f.getType() == FieldDescriptor.Type.FIXED64 || f.getType() == FieldDescriptor.Type.FIXED32;
        String goType = (unsigned ? "uint" : "int") + bits;
        Object unquoted = value instanceof Str s ? GoJson.unmarshal(s.raw()) : value;
        if (unquoted == GoJson.NULL) {
            return BigInteger.ZERO;
        }
        BigInteger max = BigInteger.ONE.shiftLeft(unsigned ? bits : bits - 1).subtract(BigInteger.ONE);
        BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
        return integerLiteral(unquoted, goType, min, max);
    }

    /** A JSON number into a Go integer type: only a plain integer literal within range fits. */
    private static BigInteger integerLiteral(Object value, String goType, BigInteger min, BigInteger max)
            throws GoJsonException {
        if (!(value instanceof Num n)) {
            throw typeError(kind(value), goType);
        }
        String literal = n.literal();
        if (literal.matches("-?\\d+")) {
            BigInteger v = new BigInteger(literal);
            if (v.compareTo(min) >= 0 && v.compareTo(max) <= 0) {
                return v;
            }
        }
        throw typeError("number " + literal, goType);
    }

    private static GoJsonException typeError(String what, String goType) {
        return new GoJsonException("json: cannot unmarshal " + what + " into Go value of type " + goType);
    }

    private static String kind(Object json) {
        if (json instanceof Map<?, ?>) {
            return "object";
        }
        if (json instanceof List<?>) {
            return "array";
        }
        if (json instanceof Str) {
            return "string";
        }
        if (json instanceof Num) {
            return "number";
        }
        return json instanceof Boolean ? "bool" : "null";
    }

    /** The Go type etcd's generated code gives an enum: package, then its enclosing messages and name joined by '_'. */
    static String goTypeName(EnumDescriptor e) {
        StringBuilder name = new StringBuilder(e.getName());
        for (Descriptor outer = e.getContainingType(); outer != null; outer = outer.getContainingType()) {
            name.insert(0, outer.getName() + "_");
        }
        return e.getFile().getPackage() + "." + name;
    }

    /** Go's %q for the text jsonpb reports. */
    private static String goQuote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
