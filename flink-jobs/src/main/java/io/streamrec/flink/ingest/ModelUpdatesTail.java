package io.streamrec.flink.ingest;

import io.streamrec.model.sync.LatestPublishedVersion;
import io.streamrec.model.sync.RefusedUpdateException;
import io.streamrec.model.sync.UpdateDecoder;
import io.streamrec.model.sync.UpdateLogTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the newest version on {@code model-updates} from the tail of the topic, for a trainer that starts without a
 * checkpoint: the Kafka side of {@link UpdateLogTail#latestVersion}, over every partition.
 *
 * <p>It reads uncommitted records too: a version written in a transaction that was later aborted was never seen by a
 * read-committed consumer, but a read-uncommitted one may have applied it, so it is not reused.
 */
public final class ModelUpdatesTail implements LatestPublishedVersion {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdatesTail.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String bootstrapServers;
    private final String topic;
    private final HashMap<String, String> kafkaProperties;

    /** {@code kafkaProperties}: the job's extra client settings (security and the like); bootstrap servers, isolation level and auto-commit are set here. */
    public ModelUpdatesTail(String bootstrapServers, String topic, Map<String, String> kafkaProperties) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.kafkaProperties = new HashMap<>(kafkaProperties);
    }

    @Override
    public long latest() {
        Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, PATIENCE).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, PATIENCE);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, PATIENCE);
            long latest = 0;
            for (TopicPartition partition : partitions) {
                latest = Math.max(
                        latest,
                        UpdateLogTail.latestVersion(
                                new PartitionLog(consumer, partition, starts.get(partition), ends.get(partition))));
            }
            LOG.info("The newest model version on {} is {}", topic, latest == 0 ? "none" : latest);
            return latest;
        }
    }

    /** One partition read by offset through an assigned consumer. */
    private record PartitionLog(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long start, long end)
            implements UpdateLogTail.Log {

        @Override
        public List<UpdateLogTail.Positioned> read(long from, long to) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, from);
            List<UpdateLogTail.Positioned> records = new ArrayList<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (consumer.position(partition) < to) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partition + " up to offset " + to + " within "
                            + PATIENCE + " (stuck at " + consumer.position(partition) + "); is the broker reachable?");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < to) {
                        try {
                            records.add(new UpdateLogTail.Positioned(
                                    record.offset(),
                                    UpdateDecoder.decode(record.value(), partition + "@" + record.offset())));
                        } catch (RefusedUpdateException e) {
                            // holds no version; the consumers count and log it when they read it
                            LOG.debug("skipping a record that holds no version: {}", e.getMessage());
                        }
                    }
                }
            }
            return records;
        }
    }
}
