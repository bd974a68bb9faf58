package io.streamrec.flink.publish;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.validate.ViolationCode;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.annotation.Nullable;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each record to one topic, encoded by a function, keyed by a string taken from the record (null: no key).
 *
 * <p>Every record leaves without a timestamp of its own, so the producer stamps it with the time it sends it: a
 * broker accepts that (Kafka 4 refuses record timestamps more than {@code message.timestamp.after.max.ms}, 1 hour by
 * default, ahead of its clock), whereas an element's event time may be anywhere the validator allowed. Event time
 * travels in the payload.
 *
 * <p>A record larger than the producer may send ({@code maxRecordBytes}, its {@code max.request.size}, which the
 * start-up check keeps within the topic's {@code max.message.bytes}) would fail its send, and with exactly-once the
 * whole transaction, on every restart. It is written to the dead-letter topic instead, as {@code record-too-large},
 * through the same producer (so in the same transaction). {@link #deadLetterFor} does the same for a record the
 * broker refused. A dead letter that cannot be written either (too large for the dead-letter topic, or this is the
 * dead-letter sink) is counted as {@code lost} in the {@value #METRIC_GROUP} metric group and logged.
 */
final class KeyedRecordSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 2L;
    private static final Logger LOG = LoggerFactory.getLogger(KeyedRecordSerializationSchema.class);

    /** The sinks' metric group: {@code deadLettered} (written to the DLQ instead) and {@code lost} (neither). */
    static final String METRIC_GROUP = "publish";

    /**
     * Where refused records go: the dead-letter topic, how dead letters are encoded, and the largest record that
     * may be written there.
     */
    record DeadLetterRoute(String topic, SerializableFunction<DeadLetter, byte[]> encoding, int maxRecordBytes)
            implements Serializable {
        DeadLetterRoute {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(encoding, "encoding");
        }
    }

    private final String topic;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, byte[]> value;
    private final int maxRecordBytes;
    private final @Nullable DeadLetterRoute deadLetters;

    private transient Counter deadLettered;
    private transient Counter lost;

    /**
     * @param maxRecordBytes the largest record the producer may send, as Kafka measures it
     * @param deadLetters where refused records go; null for the dead-letter sink itself
     */
    KeyedRecordSerializationSchema(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, byte[]> value,
            int maxRecordBytes,
            @Nullable DeadLetterRoute deadLetters) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.key = key;
        this.value = value;
        this.maxRecordBytes = maxRecordBytes;
        this.deadLetters = deadLetters;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        open(context.getMetricGroup());
    }

    /** Registers the counters in {@code metrics}. */
    void open(MetricGroup metrics) {
        MetricGroup group = metrics.addGroup(METRIC_GROUP);
        deadLettered = group.counter("deadLettered");
        lost = group.counter("lost");
    }

    String topic() {
        return topic;
    }

    /** This sink's topic and, if it has one, its dead-letter topic. */
    List<String> topicsWritten() {
        return deadLetters == null ? List.of(topic) : List.of(topic, deadLetters.topic());
    }

    /**
     * The record to send for {@code element}: itself, or, when it is too large to send, its dead letter; null when
     * neither can be written (counted and logged).
     */
    @Override
    public @Nullable ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, @Nullable Long elementTimestamp) {
        String k = key.apply(element);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic, null, null, k == null ? null : k.getBytes(StandardCharsets.UTF_8), value.apply(element));
        int size = sizeOf(record);
        if (size <= maxRecordBytes) {
            return record;
        }
        return deadLetterFor(
                record,
                ViolationCode.RECORD_TOO_LARGE,
                String.format(
                        Locale.ROOT,
                        "%,d bytes, over the %,d the producer may send to '%s' (max.request.size)",
                        size,
                        maxRecordBytes,
                        topic));
    }

    /**
     * The dead letter of {@code refused}, a record of this sink that could not be written for {@code code}; null,
     * counted and logged, when it cannot be written either. The dead letter carries the record's bytes, or, when
     * they would make it too large for the dead-letter topic (a record refused for its size always would), as many
     * of the first bytes as fit, its reason saying so.
     */
    @Nullable
    ProducerRecord<byte[], byte[]> deadLetterFor(
            ProducerRecord<byte[], byte[]> refused, ViolationCode code, String detail) {
        if (deadLetters == null) {
            lost(refused, code + ": " + detail);
            return null;
        }
        // sent through this sink's producer, so within its limit as well as the dead-letter topic's
        int limit = Math.min(deadLetters.maxRecordBytes(), maxRecordBytes);
        byte[] payload = refused.value() == null ? new byte[0] : refused.value();
        String reason = code.wireName() + ": " + detail;
        ProducerRecord<byte[], byte[]> record = deadLetterRecord(refused, code, reason, payload);
        int size = sizeOf(record);
        if (size > limit) {
            int bare =
                    sizeOf(deadLetterRecord(refused, code, reason + cut(payload.length, payload.length), new byte[0]));
            double bytesPerPayloadByte = (double) (size - bare) / Math.max(1, payload.length);
            int keep = Math.min(payload.length - 1, (int) ((limit - bare) / bytesPerPayloadByte * 0.9));
            while (keep > 0 && size > limit) {
                record = deadLetterRecord(
                        refused, code, reason + cut(keep, payload.length), java.util.Arrays.copyOf(payload, keep));
                size = sizeOf(record);
                keep /= 2;
            }
            if (size > limit) {
                lost(
                        refused,
                        reason + "; even without its payload the dead letter is too large for '" + deadLetters.topic()
                                + "'");
                return null;
            }
        }
        deadLettered().inc();
        if (isPowerOfTen(deadLettered().getCount())) {
            LOG.warn(
                    "A record for '{}' went to '{}' instead ({} so far): {}",
                    refused.topic(),
                    deadLetters.topic(),
                    deadLettered().getCount(),
                    reason);
        }
        return record;
    }

    private ProducerRecord<byte[], byte[]> deadLetterRecord(
            ProducerRecord<byte[], byte[]> refused, ViolationCode code, String reason, byte[] payload) {
        DeadLetter letter = DeadLetter.newBuilder()
                .setReason(code.wireName())
                .setReasons(List.of(reason))
                .setKey(refused.key() == null ? null : new String(refused.key(), StandardCharsets.UTF_8))
                .setPayload(ByteBuffer.wrap(payload))
                .setSourceTopic(refused.topic())
                .setPartition(refused.partition() == null ? -1 : refused.partition())
                .setOffset(-1L)
                .setDeadLetteredAt(System.currentTimeMillis())
                .build();
        return new ProducerRecord<>(
                deadLetters.topic(),
                null,
                null,
                refused.key(),
                deadLetters.encoding().apply(letter));
    }

    private static String cut(int kept, int total) {
        return String.format(Locale.ROOT, " (payload cut to its first %,d of %,d bytes)", kept, total);
    }

    /** Counts and logs a record of this sink that was neither written nor dead-lettered. */
    void lost(ProducerRecord<byte[], byte[]> record, String why) {
        lost().inc();
        LOG.error(
                "A record for '{}' (key {}, {} bytes) could not be written, nor its dead letter; {} lost so far: {}",
                record.topic(),
                record.key() == null ? "none" : new String(record.key(), StandardCharsets.UTF_8),
                record.value() == null ? 0 : record.value().length,
                lost().getCount(),
                why);
    }

    /** The size Kafka's producer checks against {@code max.request.size}: the record in a batch of its own. */
    static int sizeOf(ProducerRecord<byte[], byte[]> record) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE,
                CompressionType.NONE,
                record.key(),
                record.value(),
                Record.EMPTY_HEADERS);
    }

    /** Records written to the dead-letter topic instead of this sink's. */
    Counter deadLettered() {
        if (deadLettered == null) { // not opened by a writer (unit tests): count all the same
            deadLettered = new SimpleCounter();
        }
        return deadLettered;
    }

    /** Records neither written nor dead-lettered. */
    Counter lost() {
        if (lost == null) {
            lost = new SimpleCounter();
        }
        return lost;
    }

    private static boolean isPowerOfTen(long n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }
}
