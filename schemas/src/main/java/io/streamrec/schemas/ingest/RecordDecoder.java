package io.streamrec.schemas.ingest;

import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodec;
import io.streamrec.schemas.codec.Utf8;
import io.streamrec.schemas.validate.RecordRules;
import io.streamrec.schemas.validate.ValidationLimits;
import io.streamrec.schemas.validate.Violation;
import io.streamrec.schemas.validate.ViolationCode;
import io.streamrec.schemas.validate.Violations;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion pipeline shared by every record kind: size guard, wire-format decoding, semantic
 * rules, Kafka key check. Thread-safe; never throws.
 */
final class RecordDecoder<T extends SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

    private final WireFormat format;
    private final int maxPayloadBytes;
    private final JsonCodec<T> json;
    private final AvroBinaryCodec<T> avro;
    private final RecordRules<T> rules;

    RecordDecoder(WireFormat format, ValidationLimits limits, JsonCodec<T> json, AvroBinaryCodec<T> avro,
                  RecordRules<T> rules) {
        this.format = Objects.requireNonNull(format, "format: choose WireFormat.JSON or WireFormat.AVRO");
        this.maxPayloadBytes = limits.maxPayloadBytes();
        this.json = json;
        this.avro = avro;
        this.rules = rules;
    }

    WireFormat format() {
        return format;
    }

    DecodeResult<T> decode(byte[] key, byte[] value) {
        try {
            Violations out = new Violations();
            T record = read(value, out);
            if (record != null) {
                rules.check(record, out);
                checkKey(key, rules.userIdOf(record), out);
            }
            return out.isEmpty() ? DecodeResult.valid(record) : DecodeResult.invalid(out.toList());
        } catch (RuntimeException e) {
            // A bug of ours, not the producer's: keep the job alive, dead-letter the record, and log the cause.
            LOG.error("Decoder failed on a {}-byte {} record; dead-lettering it as internal-error",
                    value == null ? 0 : value.length, format, e);
            return DecodeResult.invalid(List.of(Violation.of(ViolationCode.INTERNAL_ERROR, null, e.toString())));
        }
    }

    private T read(byte[] value, Violations out) {
        if (value == null || value.length == 0) {
            out.add(ViolationCode.EMPTY_PAYLOAD, null, value == null ? "null value (a Kafka tombstone?)" : "0 bytes");
            return null;
        }
        if (value.length > maxPayloadBytes) {
            out.add(ViolationCode.PAYLOAD_TOO_LARGE, null, value.length + " > " + maxPayloadBytes + " bytes");
            return null;
        }
        return format == WireFormat.JSON ? json.decode(value, out) : avro.decode(value, out);
    }

    /** A Kafka key, when present, routes the record to its user's partition: it must name the same user. */
    private static void checkKey(byte[] key, String userId, Violations out) {
        if (key == null || key.length == 0 || userId == null) {
            return;
        }
        String keyText = new String(key, StandardCharsets.UTF_8);
        if (keyText.indexOf('\uFFFD') >= 0 && !Utf8.isWellFormed(key)) {
            out.add(ViolationCode.INVALID_UTF8, "key", "the Kafka key is not well-formed UTF-8");
            return;
        }
        String stripped = keyText.strip();
        if (!stripped.equals(userId)) {
            out.add(ViolationCode.KEY_MISMATCH, "key", "key " + Violation.quote(stripped) + " but userId "
                    + Violation.quote(userId));
        }
    }
}
