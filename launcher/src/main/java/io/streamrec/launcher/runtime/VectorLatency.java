package io.streamrec.launcher.runtime;

import io.streamrec.flink.job.KafkaAccess;
import io.streamrec.schemas.UserVector;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Event-to-vector latency as a client sees it: from the moment the replay sent an event (wall clock, {@link
 * #sent}) to the moment a vector carrying that event's id is readable on {@code user-vectors} (a
 * {@code read_committed} consumer, so with exactly-once it includes the wait for the checkpoint's commit).
 * Percentiles are over the last {@value #WINDOW} matched vectors (some two minutes at 3,000 events/s), since
 * {@link #measureFrom} when it was called.
 */
public final class VectorLatency implements AutoCloseable {

    static final int WINDOW = 500_000;
    /** Bounds the send times kept for events whose vector has not been seen (dead letters never get one). */
    static final int MAX_OUTSTANDING = 1_000_000;
    /** The fields of {@link UserVector} written before {@code eventId}: the only ones {@link #eventIdOf} reads. */
    private static final List<String> FIELDS_BEFORE_EVENT_ID =
            List.of("userId", "modelName", "modelVersion", "eventTime");

    private final Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
    private volatile DescriptiveStatisticsHistogram latencyMs = new DescriptiveStatisticsHistogram(WINDOW);
    /** Events sent before this (epoch ms) are not measured: a warm-up's latencies are not the steady state's. */
    private volatile long measuredFromMillis = Long.MIN_VALUE;

    private final AtomicLong vectorsRead = new AtomicLong();
    private final TopicTail tail;

    /** Starts reading {@code topic} from its current end. */
    public VectorLatency(String bootstrapServers, String topic) {
        this(KafkaAccess.plaintext(bootstrapServers), topic);
    }

    /** Starts reading {@code topic} from its current end, connecting as {@code kafka} says. */
    public VectorLatency(KafkaAccess kafka, String topic) {
        checkEventIdPosition();
        this.tail = new TopicTail(
                kafka,
                topic,
                "streamrec-vector-latency",
                "measuring event-to-vector latency",
                Duration.ofMillis(200),
                this::received);
    }

    /**
     * Forgets the latencies measured so far and from now on measures only events sent at or after
     * {@code epochMillis}: the end of a warm-up (cold start, the first model, JIT) whose latencies would
     * otherwise dominate the percentiles.
     */
    public void measureFrom(long epochMillis) {
        measuredFromMillis = epochMillis;
        latencyMs = new DescriptiveStatisticsHistogram(WINDOW);
    }

    /** The replay sent the event {@code eventId} at {@code epochMillis}. */
    public void sent(String eventId, long epochMillis) {
        if (sentAtMillis.size() < MAX_OUTSTANDING) {
            sentAtMillis.put(eventId, epochMillis);
        }
    }

    /** Latency percentile in ms ({@code quantile} in (0, 1]) over the recent matched vectors; NaN before any. */
    public double percentileMs(double quantile) {
        return latencyMs.getCount() == 0
                ? Double.NaN
                : latencyMs.getStatistics().getQuantile(quantile);
    }

    /** Vectors read whose event this run sent. */
    public long matched() {
        return latencyMs.getCount();
    }

    /** Every vector read from the topic since the start. */
    public long vectorsRead() {
        return vectorsRead.get();
    }

    private void received(ConsumerRecord<byte[], byte[]> record) throws IOException {
        long now = System.currentTimeMillis();
        vectorsRead.incrementAndGet();
        String eventId;
        try {
            eventId = eventIdOf(record.value());
        } catch (IOException e) {
            throw new IOException("a record of the vectors topic is not a UserVector (" + e + ")", e);
        }
        Long sentAt = sentAtMillis.remove(eventId);
        if (sentAt != null && sentAt >= measuredFromMillis) {
            latencyMs.update(now - sentAt);
        }
    }

    /**
     * The {@code eventId} of an Avro-binary {@link UserVector}, read without materialising the vector: decoding the
     * whole record boxes every float and, at thousands of vectors per second, took a tenth of a core from the job
     * this class measures.
     */
    static String eventIdOf(byte[] userVector) throws IOException {
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(userVector, null);
        in.skipString(); // userId
        in.skipString(); // modelName
        in.readLong(); // modelVersion
        in.readLong(); // eventTime
        return in.readString();
    }

    /** Fails fast if the schema moved {@code eventId}, which {@link #eventIdOf} finds by position. */
    static void checkEventIdPosition() {
        List<String> before = UserVector.getClassSchema().getFields().stream()
                .map(Schema.Field::name)
                .takeWhile(name -> !name.equals("eventId"))
                .toList();
        if (!before.equals(FIELDS_BEFORE_EVENT_ID)) {
            throw new IllegalStateException("UserVector's fields before eventId are now " + before + ", not "
                    + FIELDS_BEFORE_EVENT_ID + ": update VectorLatency.eventIdOf");
        }
    }

    @Override
    public void close() throws InterruptedException {
        tail.close();
    }
}
