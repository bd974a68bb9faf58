package io.streamrec.launcher.runtime;

import io.streamrec.flink.job.KafkaAccess;
import io.streamrec.flink.publish.SendErrors;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends byte records to one Kafka topic asynchronously and keeps score: records sent, records the broker
 * acknowledged, and records it refused, each of which is handed to a {@link Refusals} listener with the label the
 * caller gave it (e.g. its line number). The producer retries what Kafka calls retriable itself; what reaches the
 * listener is final. A refusal that concerns the whole topic (it does not exist, this client may not write it) stops
 * further sends, which then fail at once naming it.
 */
public final class RecordSender implements AutoCloseable {

    /** Hears of every record the broker refused, on the producer's I/O thread. */
    @FunctionalInterface
    public interface Refusals {
        /**
         * @param label what the caller called the record when sending it (e.g. {@code line 17}); null if nothing
         * @param reason the producer's or the broker's error
         */
        void refused(@Nullable String label, Exception reason);
    }

    /** Batches of up to 256 KiB: replay throughput comes from batching. */
    static final int BATCH_BYTES = 256 * 1024;

    /** Large enough that an oversized test record reaches the broker, which then decides. */
    static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Refusals refusals;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final AtomicReference<Exception> topicFailure = new AtomicReference<>();
    private final int maxRecordBytes;
    private final Queue<Labelled> bystanders = new ConcurrentLinkedQueue<>();

    /** A sender whose refusals are only counted; {@link #flushAndCheck()} reports the first. */
    public RecordSender(String bootstrapServers, String topic, String clientId) {
        this(KafkaAccess.plaintext(bootstrapServers), topic, clientId, (label, reason) -> {}, OptionalInt.empty());
    }

    /** A sender whose refusals are only counted, connecting as {@code kafka} says. */
    public RecordSender(KafkaAccess kafka, String topic, String clientId) {
        this(kafka, topic, clientId, (label, reason) -> {}, OptionalInt.empty());
    }

    /** A sender to Kafka at {@code bootstrapServers} with the client defaults (PLAINTEXT). */
    public RecordSender(
            String bootstrapServers,
            String topic,
            String clientId,
            Refusals refusals,
            OptionalInt topicMaxMessageBytes) {
        this(KafkaAccess.plaintext(bootstrapServers), topic, clientId, refusals, topicMaxMessageBytes);
    }

    /**
     * @param kafka where Kafka is and how to get in
     * @param topicMaxMessageBytes the topic's {@code max.message.bytes}, when known. A larger record is refused here,
     *     without being sent, and batches are kept within it. Kafka's producer answers a batch the broker finds too
     *     large by splitting it, but a small record can stay in the batch of a large one through every split, and
     *     then the batch is refused again and again until {@code delivery.timeout.ms} fails the small record too.
     */
    public RecordSender(
            KafkaAccess kafka, String topic, String clientId, Refusals refusals, OptionalInt topicMaxMessageBytes) {
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // replay throughput comes from batching; a few ms of linger costs nothing here
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Math.min(BATCH_BYTES, topicMaxMessageBytes.orElse(BATCH_BYTES)));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * MAX_REQUEST_BYTES);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.refusals = refusals;
        this.maxRecordBytes = topicMaxMessageBytes.orElse(Integer.MAX_VALUE);
    }

    /** Queues one record; {@code key} may be null (Kafka then spreads records over partitions). */
    public void send(byte[] key, byte[] value) {
        send(key, value, null);
    }

    /**
     * Queues one record, to be called {@code label} should the broker refuse it.
     *
     * @throws IllegalStateException when an earlier send found that the topic cannot be written at all
     */
    public void send(byte[] key, byte[] value, @Nullable String label) {
        Exception unwritable = topicFailure.get();
        if (unwritable != null) {
            throw new IllegalStateException(
                    "Topic '" + topic + "' cannot be written: " + SendErrors.describe(unwritable), unwritable);
        }
        sent.incrementAndGet();
        int size = AbstractRecords.estimateSizeInBytesUpperBound(
                RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, Record.EMPTY_HEADERS);
        if (size > maxRecordBytes) {
            RecordTooLargeException tooLarge = new RecordTooLargeException(String.format(
                    Locale.ROOT,
                    "the record is %,d bytes, over the %,d that topic '%s' accepts (max.message.bytes); not sent",
                    size,
                    maxRecordBytes,
                    topic));
            refused.incrementAndGet();
            firstFailure.compareAndSet(null, tooLarge);
            refusals.refused(label, tooLarge);
            return;
        }
        resendBystanders();
        send(new ProducerRecord<>(topic, key, value), label);
    }

    private void send(ProducerRecord<byte[], byte[]> record, @Nullable String label) {
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
                return;
            }
            if (SendErrors.of(error) == SendErrors.BYSTANDER) {
                bystanders.add(new Labelled(record, label));
                return;
            }
            refused.incrementAndGet();
            firstFailure.compareAndSet(null, error);
            if (SendErrors.of(error) == SendErrors.TOPIC) {
                topicFailure.compareAndSet(null, error);
            }
            refusals.refused(label, error);
        });
    }

    public long sent() {
        return sent.get();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    /** Records refused for good: too large for the topic, or by the producer or the broker. */
    public long refused() {
        return refused.get();
    }

    public String topic() {
        return topic;
    }

    /**
     * Waits until every queued record is acknowledged or refused, sending again the records that were refused only
     * because another record of their batch was.
     */
    public void flush() {
        do {
            producer.flush();
        } while (resendBystanders());
    }

    /** Sends the bystanders of refused batches again; true if there were any. */
    private boolean resendBystanders() {
        boolean any = false;
        Labelled bystander;
        while ((bystander = bystanders.poll()) != null) {
            any = true;
            send(bystander.record(), bystander.label());
        }
        return any;
    }

    private record Labelled(
            ProducerRecord<byte[], byte[]> record, @Nullable String label) {}

    /** Waits for every queued record; throws if any was refused, naming the first reason. */
    public void flushAndCheck() {
        flush();
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException(
                    refused.get() + " of " + sent.get() + " records were not written to topic '" + topic
                            + "'; first error: " + failure.getMessage(),
                    failure);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
