package io.streamrec.serving.model;

import io.streamrec.model.sync.ReplicaSync;
import io.streamrec.model.sync.UpdateLogTail;
import io.streamrec.model.sync.UpdateValidator;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.serving.ServingMetrics;
import io.streamrec.serving.index.IndexSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ForkJoinPool;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code model-updates} for one model on its own thread and keeps a {@link ServingModel} current through the
 * model-sync rules every consumer shares ({@link ReplicaSync}). It starts at the newest complete FULL update on the
 * topic (found from the tail, {@link UpdateLogTail}), not at the beginning, and is caught up once it has read to the
 * end offsets the topic had when it started. A FULL is built on a background thread and swapped in between two
 * polls; between polls the index's graph is kept current within its CPU budget ({@link ServingModel#maintain}). What it does with each record,
 * bad ones included, is {@link ModelUpdateIntake}'s.
 */
public final class ModelUpdatesFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdatesFollower.class);
    private static final AvroBinaryCodec<ModelUpdate> CODEC = AvroBinaryCodec.of(ModelUpdate.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String topic;
    private final String modelName;
    private final Map<String, Object> consumerProperties;
    private final ReplicaSync<ServingModel> sync;
    private final ModelUpdateIntake intake;
    private final ServingMetrics metrics;
    private final Thread thread;
    private final ForkJoinPool buildPool;

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean caughtUp;
    private volatile boolean running = true;
    private volatile Throwable failure;

    public ModelUpdatesFollower(
            String bootstrapServers,
            String topic,
            String modelName,
            Map<String, String> kafkaProperties,
            IndexSettings indexSettings,
            UpdateValidator validator,
            ServingMetrics metrics) {
        this.topic = topic;
        this.modelName = modelName;
        this.metrics = metrics;
        this.consumerProperties = new HashMap<>(kafkaProperties);
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProperties.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.buildPool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        this.sync = new ReplicaSync<>(
                full -> ServingModel.fromFull(full, indexSettings, buildPool),
                ServingModel::close,
                validator,
                "model-builder-" + modelName);
        this.intake = new ModelUpdateIntake(modelName, sync, metrics);
        this.thread = new Thread(this::run, "model-updates-follower-" + modelName);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** The model in use; null before the first FULL. */
    public ServingModel current() {
        return sync.current();
    }

    /** Read to the end offsets the topic had at start, and holding a model. */
    public boolean ready() {
        return caughtUp && sync.ready();
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    /** Why the follower stopped, if it did. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> kafka =
                new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = kafka;
            List<TopicPartition> partitions = kafka.partitionsFor(topic, PATIENCE).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> ends = kafka.endOffsets(partitions, PATIENCE);
            Map<TopicPartition, Long> starts = kafka.beginningOffsets(partitions, PATIENCE);
            Map<TopicPartition, Long> from = new HashMap<>();
            for (TopicPartition p : partitions) {
                OptionalLong full = UpdateLogTail.newestFullStart(
                        new PartitionLog(kafka, p, starts.get(p), ends.get(p)), modelName);
                from.put(p, full.orElse(starts.get(p)));
            }
            kafka.assign(partitions);
            from.forEach(kafka::seek);
            LOG.debug(
                    "following model '{}' on {} from {} (end offsets {})",
                    modelName,
                    topic,
                    positions(kafka, partitions),
                    ends);
            Duration poll = POLL;
            while (running) {
                ConsumerRecords<byte[], byte[]> records = kafka.poll(poll);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    take(record);
                }
                intake.swapIfAssembled();
                ServingModel model = sync.current();
                poll = POLL;
                if (model != null) {
                    if (model.maintain()) {
                        metrics.indexRebuilt();
                    }
                    // graph upkeep runs in slices between polls: wait no longer than until the next one may run
                    poll = Duration.ofNanos(Math.min(POLL.toNanos(), model.upkeepWaitNanos()));
                    metrics.freshItemRows(model.view().index().freshRows());
                }
                if (!caughtUp && reached(kafka, ends)) {
                    caughtUp = true;
                    LOG.info("model-updates caught up for '{}' (version {})", modelName, sync.version());
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
            LOG.error("following {} stopped: {}", topic, t.getMessage(), t);
        } finally {
            try {
                sync.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            buildPool.shutdown();
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        intake.take(record.value(), record.topic() + "-" + record.partition() + "@" + record.offset());
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> kafka, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (kafka.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Map<Integer, Long> positions(KafkaConsumer<byte[], byte[]> kafka, List<TopicPartition> partitions) {
        Map<Integer, Long> positions = new HashMap<>();
        for (TopicPartition p : partitions) {
            positions.put(p.partition(), kafka.position(p));
        }
        return positions;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        KafkaConsumer<byte[], byte[]> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
        thread.join(Duration.ofSeconds(30).toMillis());
    }

    /** A chunk without its rows: the tail search keeps only headers, however large the snapshots. */
    private static ModelUpdate header(ModelUpdate chunk) {
        return ModelUpdate.newBuilder()
                .setModelName(chunk.getModelName())
                .setVersion(chunk.getVersion())
                .setBaseVersion(chunk.getBaseVersion())
                .setKind(chunk.getKind())
                .setChunkIndex(chunk.getChunkIndex())
                .setChunkCount(chunk.getChunkCount())
                .setCreatedAt(chunk.getCreatedAt())
                .build();
    }

    /** One partition read by offset through the assigned consumer. */
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
                            + PATIENCE + "; is the broker reachable?");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < to) {
                        try {
                            records.add(new UpdateLogTail.Positioned(
                                    record.offset(), header(CODEC.decode(record.value()))));
                        } catch (RuntimeException e) {
                            // an undecodable record holds no version; the follower reports it when it reads it
                        }
                    }
                }
            }
            return records;
        }
    }
}
