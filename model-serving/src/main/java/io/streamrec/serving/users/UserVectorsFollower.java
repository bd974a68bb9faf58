package io.streamrec.serving.users;

import io.streamrec.serving.ServingMetrics;
import io.streamrec.serving.users.UserVectorScan.UnservableVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
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
 * Follows the compacted {@code user-vectors} topic on its own thread into a {@link UserVectorStore}. It resumes from
 * the offsets the store recorded (from the beginning for a new store), logs its progress while it catches up, and is
 * caught up once it has read to the end offsets the topic had when it started. Vectors of other models are skipped
 * (read no further than their model name); an undecodable or invalid record of its model is counted and skipped,
 * never stops it. Records are checked and stored in their Avro bytes, never decoded here ({@link UserVectorScan}): a
 * vector is decoded only when a request reads its user.
 */
public final class UserVectorsFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UserVectorsFollower.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final String topic;
    private final String modelName;
    private final Map<String, Object> consumerProperties;
    private final UserVectorStore store;
    private final ServingMetrics metrics;
    private final UserVectorScan scan;
    private final Thread thread;

    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean caughtUp;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long lastWarning;

    public UserVectorsFollower(
            String bootstrapServers,
            String topic,
            String modelName,
            Map<String, String> kafkaProperties,
            UserVectorStore store,
            ServingMetrics metrics) {
        this.topic = topic;
        this.modelName = modelName;
        this.store = store;
        this.metrics = metrics;
        this.scan = new UserVectorScan(modelName);
        this.consumerProperties = new HashMap<>(kafkaProperties);
        consumerProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProperties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        this.thread = new Thread(this::run, "user-vectors-follower");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Read to the end offsets the topic had at start. */
    public boolean caughtUp() {
        return caughtUp;
    }

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
            kafka.assign(partitions);
            matchTopic();
            Map<Integer, Long> stored = store.nextOffsets();
            Map<TopicPartition, Long> starts = kafka.beginningOffsets(partitions, PATIENCE);
            for (TopicPartition p : partitions) {
                long from = Math.max(starts.get(p), stored.getOrDefault(p.partition(), 0L));
                kafka.seek(p, from);
            }
            Map<TopicPartition, Long> ends = kafka.endOffsets(partitions, PATIENCE);
            long behind = behind(kafka, ends);
            LOG.atLevel(behind > 0 ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG)
                    .log(
                            "user vectors of '{}': {} records to read on {} ({} the store's offsets)",
                            modelName,
                            behind,
                            topic,
                            stored.isEmpty() ? "a new store, from the beginning, without" : "resuming from");
            long total = Math.max(1, behind);
            long lastProgress = System.nanoTime();
            if (behind == 0) {
                markCaughtUp(0);
            }
            while (running) {
                ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL);
                if (!records.isEmpty()) {
                    take(records, kafka);
                }
                if (!caughtUp) {
                    long left = behind(kafka, ends);
                    if (left == 0) {
                        markCaughtUp(total);
                    } else if (System.nanoTime() - lastProgress > PROGRESS_EVERY_NANOS) {
                        lastProgress = System.nanoTime();
                        LOG.info(
                                "user vectors: caught up {} of {} records ({}%), {} users held",
                                total - left, total, (total - left) * 100 / total, store.estimatedUsers());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
            LOG.error("following {} stopped: {}", topic, t.getMessage(), t);
        }
    }

    /** Starts the store afresh when it was filled from another incarnation of the topic (Kafka topic ids differ). */
    private void matchTopic() throws Exception {
        String id;
        try (Admin admin = Admin.create(consumerProperties.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("max.poll")
                        && !e.getKey().equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)
                        && !e.getKey().equals(ConsumerConfig.ISOLATION_LEVEL_CONFIG))
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))) {
            id = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                    .get(topic)
                    .topicId()
                    .toString();
        }
        String held = store.topicId();
        if (!id.equals(held)) {
            if (held != null) {
                LOG.info(
                        "{} is not the topic the user-vector store was filled from (topic id {}, the store's {});"
                                + " starting the store afresh",
                        topic,
                        id,
                        held);
            }
            store.resetFor(id);
        }
    }

    private void markCaughtUp(long records) {
        caughtUp = true;
        long users = store.estimatedUsers();
        metrics.users(users);
        LOG.atLevel(records > 0 ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG)
                .log("user vectors caught up ({} records read, about {} users held)", records, users);
    }

    private void take(ConsumerRecords<byte[], byte[]> records, KafkaConsumer<byte[], byte[]> kafka) {
        List<UserVectorStore.EncodedVector> batch = servable(records, System.currentTimeMillis());
        Map<Integer, Long> next = new HashMap<>();
        for (TopicPartition p : records.partitions()) {
            next.put(p.partition(), kafka.position(p));
        }
        store.writeEncoded(batch, next);
        if (caughtUp) {
            metrics.users(store.estimatedUsers());
        }
    }

    /** The records that are servable vectors of this follower's model; the unservable ones counted as refused. */
    List<UserVectorStore.EncodedVector> servable(Iterable<ConsumerRecord<byte[], byte[]>> records, long now) {
        List<UserVectorStore.EncodedVector> batch = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            UserVectorStore.EncodedVector vector;
            try {
                vector = scan.scan(record.value());
            } catch (UnservableVector e) {
                refused(record, e.getMessage());
                continue;
            }
            if (vector != null) {
                batch.add(vector);
                metrics.vectorTaken(now - record.timestamp());
            }
        }
        return batch;
    }

    private void refused(ConsumerRecord<byte[], byte[]> record, String why) {
        metrics.vectorRefused();
        long now = System.nanoTime();
        if (now - lastWarning > Duration.ofMinutes(1).toNanos()) {
            lastWarning = now;
            LOG.warn(
                    "skipping user-vectors record {}-{}@{}: {} (counted; logged at most once a minute)",
                    topic,
                    record.partition(),
                    record.offset(),
                    why);
        }
    }

    private static long behind(KafkaConsumer<byte[], byte[]> kafka, Map<TopicPartition, Long> ends) {
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            behind += Math.max(0, e.getValue() - kafka.position(e.getKey()));
        }
        return behind;
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
}
