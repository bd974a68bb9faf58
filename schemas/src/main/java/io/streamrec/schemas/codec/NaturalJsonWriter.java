package io.streamrec.schemas.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Writes any Avro record as the JSON a person would write: records as objects, unions as their
 * value (not Avro's {@code {"string": ...}} wrapping), maps as objects, enums as their symbol,
 * bytes as base64. Null optional fields are left out. Thread-safe.
 *
 * <p>A bytes field named as a <em>text companion</em> is also written as UTF-8 text beside its
 * base64, under the field's name plus {@code Text}, whenever the bytes are well-formed UTF-8: a
 * dead letter then shows the refused JSON as readable text.
 *
 * @param <T> the record class
 */
public final class NaturalJsonWriter<T extends IndexedRecord> {

    private final Schema schema;
    private final Set<String> textCompanions;

    public NaturalJsonWriter(Schema schema) {
        this(schema, Set.of());
    }

    public NaturalJsonWriter(Schema schema, Set<String> textCompanions) {
        for (String name : textCompanions) {
            Schema.Field f = schema.getField(name);
            if (f == null || f.schema().getType() != Schema.Type.BYTES) {
                throw new IllegalArgumentException(
                        "Text companion '" + name + "' must name a bytes field of " + schema.getFullName());
            }
        }
        this.schema = schema;
        this.textCompanions = Set.copyOf(textCompanions);
    }

    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = NaturalJson.FACTORY.createGenerator(out)) {
            writeRecord(g, record, schema, textCompanions);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    public String toJson(T record) {
        return new String(encode(record), StandardCharsets.UTF_8);
    }

    private static void writeRecord(JsonGenerator g, IndexedRecord record, Schema schema, Set<String> companions)
            throws IOException {
        g.writeStartObject();
        for (Schema.Field f : schema.getFields()) {
            Object value = record.get(f.pos());
            if (value == null) {
                continue;
            }
            g.writeFieldName(f.name());
            write(g, value, f.schema());
            if (companions.contains(f.name())) {
                String text = Utf8.decodeStrictly((ByteBuffer) value);
                if (text != null) {
                    g.writeStringField(f.name() + "Text", text);
                }
            }
        }
        g.writeEndObject();
    }

    private static void write(JsonGenerator g, Object value, Schema schema) throws IOException {
        switch (schema.getType()) {
            case NULL -> g.writeNull();
            case UNION ->
                write(g, value, schema.getTypes().get(SpecificData.get().resolveUnion(schema, value)));
            case RECORD -> writeRecord(g, (IndexedRecord) value, schema, Set.of());
            case ARRAY -> {
                g.writeStartArray();
                for (Object item : (Collection<?>) value) {
                    write(g, item, schema.getElementType());
                }
                g.writeEndArray();
            }
            case MAP -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    g.writeFieldName(e.getKey().toString());
                    write(g, e.getValue(), schema.getValueType());
                }
                g.writeEndObject();
            }
            case BYTES -> {
                ByteBuffer bytes = ((ByteBuffer) value).duplicate();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                g.writeBinary(copy);
            }
            case FIXED -> g.writeBinary(((org.apache.avro.generic.GenericFixed) value).bytes());
            case STRING, ENUM -> g.writeString(value.toString());
            case INT -> g.writeNumber((Integer) value);
            case LONG -> g.writeNumber((Long) value);
            case FLOAT -> g.writeNumber((Float) value);
            case DOUBLE -> g.writeNumber((Double) value);
            case BOOLEAN -> g.writeBoolean((Boolean) value);
        }
    }
}
