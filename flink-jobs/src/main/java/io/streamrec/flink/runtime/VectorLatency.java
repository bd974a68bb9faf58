package io.streamrec.flink.runtime;

import io.streamrec.schemas.UserVector;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-to-vector latency as a client sees it: from the moment the replay sent an event (wall clock, {@link
 * #sent}) to the moment a vector carrying that event's id is readable on {@code user-vectors} (a
 * {@code read_committed} consumer, so with exactly-once it includes the wait for the checkpoint's commit).
 * Percentiles are over the last {@value #WINDOW} matched vectors (some two minutes at 3,000 events/s), since
 * {@link #measureFrom} when it was called.
 */
public final class VectorLatency implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VectorLatency.class);
    static final int WINDOW = 500_000;
    /** Bounds the send times kept for events whose vector has not been seen (dead letters never get one). */
    static final int MAX_OUTSTANDING = 1_000_000;
    /** The fields of {@link UserVector} written before {@code eventId}: the only ones {@link #eventIdOf} reads. */
    private static final List<String> FIELDS_BEFORE_EVENT_ID = List.of("userId", "modelName", "modelVersion", "eventTime");

    private final Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
    private volatile DescriptiveStatisticsHistogram latencyMs = new DescriptiveStatisticsHistogram(WINDOW);
    /** Events sent before this (epoch ms) are not measured: a warm-up's latencies are not the steady state's. */
    private volatile long measuredFromMillis = Long.MIN_VALUE;
    private final AtomicLong vectorsRead = new AtomicLong();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread poller;

    /** Starts reading {@code topic} from its current end. */
    public VectorLatency(String bootstrapServers, String topic) {
        checkEventIdPosition();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-latency");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // pins the end now, before any event is sent
        this.poller = new Thread(this::poll, "streamrec-vector-latency");
        poller.setDaemon(true);
        poller.start();
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
        return latencyMs.getCount() == 0 ? Double.NaN : latencyMs.getStatistics().getQuantile(quantile);
    }

    /** Vectors read whose event this run sent. */
    public long matched() {
        return latencyMs.getCount();
    }

    /** Every vector read from the topic since the start. */
    public long vectorsRead() {
        return vectorsRead.get();
    }

    private void poll() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    vectorsRead.incrementAndGet();
                    Long sentAt = sentAtMillis.remove(eventIdOf(record.value()));
                    if (sentAt != null && sentAt >= measuredFromMillis) {
                        latencyMs.update(now - sentAt);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Stopped measuring event-to-vector latency: a record of the vectors topic is not a UserVector ({})",
                    e.toString());
        } catch (WakeupException stopping) {
            // close() asked to stop
        } catch (RuntimeException e) {
            LOG.warn("Stopped measuring event-to-vector latency: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
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
        List<String> before = UserVector.getClassSchema().getFields().stream().map(Schema.Field::name)
                .takeWhile(name -> !name.equals("eventId")).toList();
        if (!before.equals(FIELDS_BEFORE_EVENT_ID)) {
            throw new IllegalStateException("UserVector's fields before eventId are now " + before + ", not "
                    + FIELDS_BEFORE_EVENT_ID + ": update VectorLatency.eventIdOf");
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        poller.join(5_000);
    }
}
