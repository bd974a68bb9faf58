package io.streamrec.schemas.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.streamrec.schemas.validate.Violation;
import io.streamrec.schemas.validate.ViolationCode;
import io.streamrec.schemas.validate.Violations;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads the natural JSON shape of a flat Avro record, e.g.
 * {@code {"userId":"u1","features":{"age":"25-34"},"updatedAt":1700000000000}}, in one streaming
 * pass with Jackson's {@link JsonParser}: no tree, no data binding. Thread-safe; bad input is
 * reported, never thrown.
 *
 * <p>Every structural fault is reported, not only the first: unknown and repeated fields, nulls in
 * non-null fields, values of the wrong JSON type, fractions or out-of-range numbers in integer
 * fields, missing required fields, and bytes after the object. Faulted fields are left unset.
 * Supported field types: string, long, int, double, float, boolean, each optionally in a union
 * with null, and maps of strings.
 *
 * @param <T> the generated record class
 */
public final class NaturalJsonReader<T extends SpecificRecord> {

    private enum Kind {
        STRING,
        LONG,
        INT,
        DOUBLE,
        FLOAT,
        BOOLEAN,
        STRING_MAP
    }

    private record FieldSpec(String name, int pos, Kind kind, boolean nullable, boolean required, Object fallback) {
        /** A Java primitive in the generated class, which cannot be reset to null. */
        boolean primitive() {
            return !nullable && kind != Kind.STRING && kind != Kind.STRING_MAP;
        }
    }

    private final String recordName;
    private final Supplier<T> factory;
    private final Map<String, FieldSpec> byName = new HashMap<>();
    private final FieldSpec[] fields;

    public NaturalJsonReader(Schema schema, Supplier<T> factory) {
        this.recordName = schema.getName();
        this.factory = factory;
        List<Schema.Field> schemaFields = schema.getFields();
        if (schemaFields.size() > Long.SIZE) {
            throw new IllegalArgumentException(recordName + " has " + schemaFields.size()
                    + " fields; the natural JSON reader tracks at most " + Long.SIZE);
        }
        this.fields = new FieldSpec[schemaFields.size()];
        for (Schema.Field f : schemaFields) {
            Schema type = f.schema();
            boolean nullable = type.isNullable();
            if (type.isUnion()) {
                type = nonNullBranch(f);
            }
            boolean hasDefault = f.hasDefaultValue();
            Object fallback = hasDefault ? SpecificData.get().getDefaultValue(f) : null;
            FieldSpec spec = new FieldSpec(f.name(), f.pos(), kindOf(f, type), nullable, !hasDefault, fallback);
            fields[f.pos()] = spec;
            byName.put(f.name(), spec);
        }
    }

    /**
     * Reads one record. Returns it with every readable field set, or null when the bytes are not a
     * JSON object at all (empty, malformed, a scalar or an array); faults go to {@code out}.
     */
    public T read(byte[] json, Violations out) {
        if (isUtf16Or32(json)) {
            out.add(ViolationCode.INVALID_UTF8, null, "the payload looks like UTF-16 or UTF-32; send UTF-8");
            return null;
        }
        T record = factory.get();
        try (JsonParser p = NaturalJson.FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                out.add(ViolationCode.EMPTY_PAYLOAD, null, "only whitespace");
                return null;
            }
            if (first != JsonToken.START_OBJECT) {
                out.add(
                        ViolationCode.NOT_AN_OBJECT,
                        null,
                        "found " + describe(first) + ", expected a " + recordName + " object");
                return null;
            }
            long seen = readFields(p, record, out);
            checkTrailing(p, out);
            for (FieldSpec f : fields) {
                if ((seen & (1L << f.pos)) == 0) {
                    if (f.required) {
                        out.add(ViolationCode.MISSING_FIELD, f.name);
                    } else if (f.fallback != null) {
                        record.put(f.pos, f.fallback);
                    }
                }
            }
            return record;
        } catch (StreamConstraintsException e) {
            out.add(ViolationCode.JSON_LIMIT_EXCEEDED, null, describe(e));
        } catch (IOException e) {
            if (Utf8.isWellFormed(json)) {
                out.add(ViolationCode.MALFORMED_JSON, null, describe(e));
            } else {
                out.add(ViolationCode.INVALID_UTF8, null, "the payload is not well-formed UTF-8");
            }
        }
        return null;
    }

    /**
     * Jackson would silently decode UTF-16 and UTF-32, but the contract is UTF-8. Their JSON shows
     * a zero byte or a UTF-16 byte-order mark in the first two bytes, which UTF-8 JSON never has.
     */
    private static boolean isUtf16Or32(byte[] json) {
        if (json.length < 2) {
            return false;
        }
        int first = json[0] & 0xFF;
        int second = json[1] & 0xFF;
        return first == 0 || second == 0 || (first == 0xFE && second == 0xFF) || (first == 0xFF && second == 0xFE);
    }

    /** Reads the members of the root object; returns the bit set of field positions present. */
    private long readFields(JsonParser p, T record, Violations out) throws IOException {
        long seen = 0;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            FieldSpec f = byName.get(name);
            p.nextToken();
            if (f == null) {
                out.add(ViolationCode.UNKNOWN_FIELD, Violation.fieldName(name));
                p.skipChildren();
            } else if ((seen & (1L << f.pos)) != 0) {
                out.add(ViolationCode.DUPLICATE_FIELD, f.name);
                p.skipChildren();
                if (!f.primitive()) {
                    record.put(f.pos, null); // neither occurrence is trusted; the rules skip a faulted field
                }
            } else {
                seen |= 1L << f.pos;
                readValue(p, f, record, out);
            }
        }
        return seen;
    }

    private void readValue(JsonParser p, FieldSpec f, T record, Violations out) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            if (!f.nullable) {
                out.add(ViolationCode.NULL_FIELD, f.name);
            }
            return;
        }
        Object value = switch (f.kind) {
            case STRING -> t == JsonToken.VALUE_STRING ? p.getText() : wrongType(p, f.name, "a string", out);
            case LONG -> integer(p, f.name, Long.MIN_VALUE, Long.MAX_VALUE, out);
            case INT -> {
                Long v = integer(p, f.name, Integer.MIN_VALUE, Integer.MAX_VALUE, out);
                yield v == null ? null : v.intValue();
            }
            case DOUBLE -> t.isNumeric() ? p.getDoubleValue() : wrongType(p, f.name, "a number", out);
            case FLOAT -> t.isNumeric() ? p.getFloatValue() : wrongType(p, f.name, "a number", out);
            case BOOLEAN -> t.isBoolean() ? p.getBooleanValue() : wrongType(p, f.name, "true or false", out);
            case STRING_MAP ->
                t == JsonToken.START_OBJECT
                        ? stringMap(p, f.name, out)
                        : wrongType(p, f.name, "an object of strings", out);
        };
        if (value != null) {
            record.put(f.pos, value);
        }
    }

    private static Long integer(JsonParser p, String field, long min, long max, Violations out) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            out.add(ViolationCode.NOT_AN_INTEGER, field, Violation.quote(p.getText()));
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            wrongType(p, field, "an integer", out);
            return null;
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < min || p.getLongValue() > max) {
            out.add(
                    ViolationCode.NUMBER_OUT_OF_RANGE,
                    field,
                    Violation.quote(p.getText()) + " is outside [" + min + ", " + max + "]");
            return null;
        }
        return p.getLongValue();
    }

    private static Map<String, String> stringMap(JsonParser p, String field, Violations out) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String key = p.currentName();
            String entry = field + '.' + Violation.fieldName(key);
            JsonToken v = p.nextToken();
            if (map.containsKey(key) || out.concerns(entry)) {
                out.add(ViolationCode.DUPLICATE_FIELD, entry);
                map.remove(key);
                p.skipChildren();
            } else if (v == JsonToken.VALUE_STRING) {
                map.put(key, p.getText());
            } else if (v == JsonToken.VALUE_NULL) {
                out.add(ViolationCode.NULL_FIELD, entry);
            } else {
                wrongType(p, entry, "a string", out);
            }
        }
        return map;
    }

    private static Object wrongType(JsonParser p, String field, String expected, Violations out) throws IOException {
        out.add(ViolationCode.WRONG_TYPE, field, "expected " + expected + ", found " + describe(p.currentToken()));
        p.skipChildren();
        return null;
    }

    /** Whitespace may follow the object; anything else, even a second object, is refused. */
    private static void checkTrailing(JsonParser p, Violations out) throws IOException {
        try {
            JsonToken next = p.nextToken();
            if (next != null) {
                out.add(
                        ViolationCode.TRAILING_DATA,
                        null,
                        describe(next) + " after the object at byte "
                                + p.currentTokenLocation().getByteOffset());
            }
        } catch (JsonParseException e) {
            out.add(
                    ViolationCode.TRAILING_DATA,
                    null,
                    "bytes after the object at byte " + e.getLocation().getByteOffset());
        }
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    /** Jackson's own words, first line only, and where: line, column and byte offset. */
    private static String describe(IOException e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        String text = newline < 0 ? message : message.substring(0, newline);
        JsonLocation at = e instanceof JsonProcessingException j ? j.getLocation() : null;
        return at == null
                ? text
                : text + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ", byte " + at.getByteOffset()
                        + ")";
    }

    private Kind kindOf(Schema.Field f, Schema type) {
        return switch (type.getType()) {
            case STRING -> Kind.STRING;
            case LONG -> Kind.LONG;
            case INT -> Kind.INT;
            case DOUBLE -> Kind.DOUBLE;
            case FLOAT -> Kind.FLOAT;
            case BOOLEAN -> Kind.BOOLEAN;
            case MAP -> {
                if (type.getValueType().getType() != Schema.Type.STRING) {
                    throw unsupported(f);
                }
                yield Kind.STRING_MAP;
            }
            default -> throw unsupported(f);
        };
    }

    private Schema nonNullBranch(Schema.Field f) {
        List<Schema> branches = f.schema().getTypes();
        if (branches.size() != 2) {
            throw unsupported(f);
        }
        return branches.get(0).getType() == Schema.Type.NULL ? branches.get(1) : branches.get(0);
    }

    private IllegalArgumentException unsupported(Schema.Field f) {
        return new IllegalArgumentException(recordName + "." + f.name() + " has type " + f.schema()
                + "; the natural JSON reader handles flat records only (primitives, nullable primitives,"
                + " maps of strings). Read nested records with Avro binary.");
    }
}
