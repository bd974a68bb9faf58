package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.embedded.LiveMetrics;
import io.streamrec.embedded.LocalFlinkCluster;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.flink.job.Topics;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.JsonCodecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One event stamped 12 hours ahead among 1,000 stamped now (the broker accepts record timestamps at most 1 hour
 * ahead by default). With a validator lenient enough to accept it, the event reaches user state and the encoders,
 * and its vector must still be written: the job stamps what it writes with the time it writes it, and keeps event
 * time in the payload. No task may fail on the way.
 *
 * <p>The skewed event travels on a partition of its own. On its user's partition it would carry that partition's
 * watermark 12 hours ahead, and the good events behind it would become late as soon as the other partitions'
 * watermarks followed: that is what the validator's future-skew bound is for, and not what this test is about.
 */
class SkewedEventIT {

    /** Two for the good events, one for the skewed event. */
    private static final int PARTITIONS = 3;

    private static final int SKEWED_PARTITION = 2;
    private static final int USERS = 50;
    private static final int GOOD_EVENTS = 1_000;
    private static final long SKEW_MS = Duration.ofHours(12).toMillis();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void anEventTwelveHoursAheadIsVectoredWithAnAcceptedRecordTimestampAndNoTaskFails(@TempDir Path dir)
            throws Exception {
        StreamrecJobConfig cfg = VectorsIT.config(KAFKA.bootstrapServers(), "skewed", dir)
                .set(JobOptions.MAX_FUTURE_SKEW, Duration.ofDays(1))
                .build();
        Topics.createIfAbsent(cfg.get(JobOptions.BOOTSTRAP_SERVERS), cfg.requiredTopics(PARTITIONS));
        long startedAt = System.currentTimeMillis();
        long now = startedAt;
        List<UserEvent> good = new ArrayList<>();
        for (int i = 0; i < GOOD_EVENTS; i++) {
            good.add(event("good-" + i, "u" + (i % USERS), "i" + (i * 7 % 101), now - 20_000 + i * 10L));
        }
        // a user of its own: applied on arrival, a user's good events after its skewed one would be older than it and
        // re-inserted, each corrected vector carrying the user's newest event (the skewed one), not their own id
        UserEvent skewed = event("skewed", "skewed-user", "i3", now + SKEW_MS);

        Configuration flinkConfig = cfg.flinkConfiguration();
        try (LiveMetrics metrics = LiveMetrics.register(flinkConfig);
                LocalFlinkCluster cluster = LocalFlinkCluster.start(flinkConfig, cfg.get(JobOptions.PARALLELISM))) {
            var env = cluster.newEnvironment();
            StreamrecPipeline.build(env, cfg);
            JobID job = cluster.submit(env, cfg.get(JobOptions.CONSUMER_GROUP));

            try (KafkaProducer<byte[], byte[]> producer = producer()) {
                good.subList(0, GOOD_EVENTS / 2).forEach(e -> send(producer, cfg, e, partitionOf(e)));
                send(producer, cfg, skewed, SKEWED_PARTITION);
                good.subList(GOOD_EVENTS / 2, GOOD_EVENTS).forEach(e -> send(producer, cfg, e, partitionOf(e)));
                // one event per partition just past the skewed one, so the watermark releases it
                for (int p = 0; p < PARTITIONS; p++) {
                    send(producer, cfg, event("sentinel-" + p, "sentinel-" + p, "none", now + SKEW_MS + 10_000), p);
                }
            }

            Set<String> expected = new HashSet<>();
            good.forEach(e -> expected.add(e.getEventId()));
            expected.add(skewed.getEventId());
            Set<String> vectored = new HashSet<>();
            int[] read = {0};
            List<ConsumerRecord<byte[], byte[]>> vectors = KafkaTopicReader.readUntil(
                    cfg.get(JobOptions.BOOTSTRAP_SERVERS),
                    cfg.topics().userVectors(),
                    records -> {
                        assertJobHealthy(cluster, job, metrics);
                        for (; read[0] < records.size(); read[0]++) {
                            vectored.add(VectorsIT.VECTORS
                                    .decode(records.get(read[0]).value())
                                    .getEventId());
                        }
                        return vectored.containsAll(expected);
                    },
                    VectorsIT.TIMEOUT);
            long finishedAt = System.currentTimeMillis();
            assertJobHealthy(cluster, job, metrics);

            ConsumerRecord<byte[], byte[]> skewedVector = vectors.stream()
                    .filter(r ->
                            VectorsIT.VECTORS.decode(r.value()).getEventId().equals("skewed"))
                    .findFirst()
                    .orElseThrow();
            UserVector v = VectorsIT.VECTORS.decode(skewedVector.value());
            assertThat(v.getEventTime()).as("event time stays in the payload").isEqualTo(now + SKEW_MS);
            assertThat(skewedVector.timestamp())
                    .as("the record is stamped when it is written")
                    .isBetween(startedAt, finishedAt);
            assertThat(vectors).allSatisfy(r -> assertThat(r.timestamp()).isBetween(startedAt, finishedAt));
            assertThat(KafkaTopicReader.readAll(
                            cfg.get(JobOptions.BOOTSTRAP_SERVERS), cfg.topics().eventsDlq()))
                    .as("nothing refused")
                    .isEmpty();
            cluster.cancel(job);
        }
    }

    private static void assertJobHealthy(LocalFlinkCluster cluster, JobID job, LiveMetrics metrics) {
        try {
            JobStatus status = cluster.status(job);
            assertThat(status).as("job status").isIn(JobStatus.CREATED, JobStatus.INITIALIZING, JobStatus.RUNNING);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("could not read the job's status", e);
        }
        assertThat(metrics.max("numRestarts")).as("job restarts").isZero();
    }

    /** Each good user on one of the first two partitions. */
    private static int partitionOf(UserEvent e) {
        return Integer.parseInt(e.getUserId().substring(1)) % SKEWED_PARTITION;
    }

    private static UserEvent event(String id, String user, String item, long timestamp) {
        return UserEvent.newBuilder()
                .setEventId(id)
                .setUserId(user)
                .setItemId(item)
                .setEventType("view")
                .setTimestamp(timestamp)
                .build();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, StreamrecJobConfig cfg, UserEvent e, Integer p) {
        producer.send(new ProducerRecord<>(
                cfg.topics().events(),
                p,
                e.getUserId().getBytes(StandardCharsets.UTF_8),
                JsonCodecs.USER_EVENT.encode(e)));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
