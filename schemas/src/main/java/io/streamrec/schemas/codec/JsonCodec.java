package io.streamrec.schemas.codec;

import io.streamrec.schemas.validate.Violations;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Natural JSON both ways for a flat record kind (the ones producers send: {@code UserEvent},
 * {@code UserProfile}). Decoding here checks the JSON's shape only; the ingestion decoders in
 * {@code io.streamrec.schemas.ingest} add the semantic rules and the Kafka key check.
 *
 * @param <T> the generated record class
 */
public final class JsonCodec<T extends SpecificRecord> {

    private final String recordName;
    private final NaturalJsonReader<T> reader;
    private final NaturalJsonWriter<T> writer;

    public JsonCodec(Schema schema, Supplier<T> factory) {
        this.recordName = schema.getName();
        this.reader = new NaturalJsonReader<>(schema, factory);
        this.writer = new NaturalJsonWriter<>(schema);
    }

    public byte[] encode(T record) {
        return writer.encode(record);
    }

    public String toJson(T record) {
        return writer.toJson(record);
    }

    /** @throws CodecException listing every fault, when the bytes are not one well-shaped record */
    public T decode(byte[] json) {
        Violations violations = new Violations();
        T record = reader.read(json, violations);
        if (!violations.isEmpty()) {
            throw new CodecException(recordName, violations.toList());
        }
        return record;
    }

    /** Decodes without throwing, adding faults to {@code out}; see {@link NaturalJsonReader#read}. */
    public T decode(byte[] json, Violations out) {
        return reader.read(json, out);
    }
}
