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
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion pipeline shared by every record kind: size guard, wire-format decoding, semantic
 * rules, Kafka key check. Thread-safe; {@link #decode} never throws. Use {@link EventDecoder} or
 * {@link ProfileDecoder}.
 *
 * @param <T> the record kind
 */
public class ValidatingDecoder<T extends SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(ValidatingDecoder.class);

    private final WireFormat format;
    private final int maxPayloadBytes;
    private final JsonCodec<T> json;
    private final AvroBinaryCodec<T> avro;
    private final RecordRules<T> rules;
    private final AtomicLong internalErrors = new AtomicLong();

    ValidatingDecoder(
            WireFormat format,
            ValidationLimits limits,
            JsonCodec<T> json,
            AvroBinaryCodec<T> avro,
            RecordRules<T> rules) {
        this.format = Objects.requireNonNull(format, "format: choose WireFormat.JSON or WireFormat.AVRO");
        this.maxPayloadBytes = limits.maxPayloadBytes();
        this.json = json;
        this.avro = avro;
        this.rules = rules;
    }

    public final WireFormat format() {
        return format;
    }

    /**
     * @param key   the Kafka key (the userId) or null
     * @param value the Kafka value, possibly null
     * @return the valid, normalised record, or every reason it is refused
     */
    public final DecodeResult<T> decode(byte[] key, byte[] value) {
        try {
            Violations out = new Violations();
            T record = read(value, out);
            if (record != null) {
                rules.check(record, out);
                checkKey(key, rules.userIdOf(record), out);
            }
            return out.isEmpty() ? DecodeResult.valid(record) : DecodeResult.invalid(out.toList());
        } catch (RuntimeException e) {
            // A bug of ours, not the producer's: keep the job alive and dead-letter the record.
            logInternalError(value, e);
            return DecodeResult.invalid(List.of(Violation.of(ViolationCode.INTERNAL_ERROR, null, e.toString())));
        }
    }

    /** Logs the 1st, 2nd, 4th, 8th … failure, so a bug hit by every record cannot flood the log. */
    private void logInternalError(byte[] value, RuntimeException e) {
        long count = internalErrors.incrementAndGet();
        if (Long.bitCount(count) == 1) {
            LOG.error(
                    "Decoding failed on a {}-byte {} record ({} such failures so far); it goes to the dead-letter"
                            + " topic as internal-error. This is a streamrec bug: please report it with this trace.",
                    value == null ? 0 : value.length,
                    format,
                    count,
                    e);
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
            out.add(
                    ViolationCode.KEY_MISMATCH,
                    "key",
                    "key " + Violation.quote(stripped) + " but userId " + Violation.quote(userId));
        }
    }
}
