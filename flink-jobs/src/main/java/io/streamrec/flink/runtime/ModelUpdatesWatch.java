package io.streamrec.flink.runtime;

import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delta interval a run actually achieved, as a consumer of {@code model-updates} sees it: the time between the
 * Kafka timestamps of consecutive deltas (their first chunks). The trainer emits updates without an event time, so
 * their timestamps are the wall-clock time the sink produced them.
 */
public final class ModelUpdatesWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdatesWatch.class);
    private static final AvroBinaryCodec<ModelUpdate> UPDATES = AvroBinaryCodec.of(ModelUpdate.class);

    /** The intervals between consecutive deltas published after a given time. */
    public record DeltaIntervals(long deltas, double meanSec, double maxSec) {
        static final DeltaIntervals NONE = new DeltaIntervals(0, Double.NaN, Double.NaN);

        /** The gaps between consecutive publishing times (epoch ms, in order); NaN gaps below two. */
        static DeltaIntervals of(List<Long> publishedAtMillis) {
            int n = publishedAtMillis.size();
            if (n < 2) {
                return new DeltaIntervals(n, Double.NaN, Double.NaN);
            }
            long max = 0;
            for (int i = 1; i < n; i++) {
                max = Math.max(max, publishedAtMillis.get(i) - publishedAtMillis.get(i - 1));
            }
            double meanMillis = (publishedAtMillis.get(n - 1) - publishedAtMillis.get(0)) / (double) (n - 1);
            return new DeltaIntervals(n, meanMillis / 1000.0, max / 1000.0);
        }
    }

    /** Kafka timestamps (epoch ms) of each delta's first chunk, in publishing order. */
    private final List<Long> deltaTimestamps = new ArrayList<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread poller;

    /** Starts reading {@code topic} (one partition, as the job creates it) from its current end. */
    public ModelUpdatesWatch(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-model-updates-watch");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.poller = new Thread(this::poll, "streamrec-model-updates-watch");
        poller.setDaemon(true);
        poller.start();
    }

    /** Deltas whose first chunk was published at or after {@code sinceEpochMillis}, and the gaps between them. */
    public DeltaIntervals deltaIntervalsSince(long sinceEpochMillis) {
        List<Long> times;
        synchronized (deltaTimestamps) {
            times = deltaTimestamps.stream().filter(t -> t >= sinceEpochMillis).toList();
        }
        return DeltaIntervals.of(times);
    }

    private void poll() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    ModelUpdate update = UPDATES.decode(record.value());
                    if (update.getKind() == UpdateKind.DELTA && update.getChunkIndex() == 0) {
                        synchronized (deltaTimestamps) {
                            deltaTimestamps.add(record.timestamp());
                        }
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() asked to stop
        } catch (RuntimeException e) {
            LOG.warn("Stopped watching model updates: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        poller.join(5_000);
    }
}
