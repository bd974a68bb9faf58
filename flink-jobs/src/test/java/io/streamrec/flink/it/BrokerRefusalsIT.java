package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.embedded.LiveMetrics;
import io.streamrec.embedded.LocalFlinkCluster;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.flink.job.TopicSettingsCheck;
import io.streamrec.flink.job.Topics;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.JsonCodecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker refuses some of the job's records while it runs: the feature-snapshot topic's {@code max.message.bytes}
 * is lowered to 20,000 bytes after the job started, and a few users then build sessions of events with long ids,
 * whose snapshots outgrow that. Their refused snapshots must reach the dead-letter topic with the broker's reason,
 * every other snapshot must be written, and no task may fail. Along the way, an event stamped 12 hours ahead is
 * refused by the validator's default future-skew bound (the reproduction of the original crash, with defaults).
 */
class BrokerRefusalsIT {

    private static final int PARTITIONS = 2;
    private static final int LIMIT_BYTES = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void recordsTheBrokerRefusesGoToTheDeadLetterTopicWithItsReasonAndEverythingElseFlows(@TempDir Path dir)
            throws Exception {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .set(JobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers())
                .set(JobOptions.EVENTS_TOPIC, "refusals-events")
                .set(JobOptions.DLQ_TOPIC, "refusals-dlq")
                .set(JobOptions.USER_FEATURES_TOPIC, "refusals-features")
                .set(JobOptions.CONSUMER_GROUP, "refusals")
                .set(JobOptions.READ_PROFILES, false)
                .set(JobOptions.VECTORS, false)
                .set(JobOptions.PUBLISH_USER_FEATURES, true)
                .set(JobOptions.PARALLELISM, FlinkMiniCluster.PARALLELISM)
                .set(JobOptions.CHECKPOINT_DIR, dir.toString())
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2))
                .set(JobOptions.SOURCE_IDLENESS, Duration.ZERO)
                .build();
        Topics.createIfAbsent(cfg.get(JobOptions.BOOTSTRAP_SERVERS), cfg.requiredTopics(PARTITIONS));
        TopicSettingsCheck.check(cfg);
        long now = System.currentTimeMillis();
        List<UserEvent> before = new ArrayList<>();
        List<UserEvent> normal = new ArrayList<>();
        List<UserEvent> heavy = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            before.add(event("before-" + i, "n" + (i % 20), "i" + i, "", now - 120_000 + i * 100L));
        }
        for (int i = 0; i < 120; i++) {
            long at = now - 100_000 + i * 500L;
            normal.add(event("normal-" + i, "n" + (i % 20), "i" + i, "", at));
            if (i % 2 == 0) {
                heavy.add(event("heavy-" + i, "h" + (i / 2 % 2), "i" + i, "x".repeat(190) + i, at + 1));
            }
        }
        UserEvent skewed =
                event("skewed", "n3", "i3", "", now + Duration.ofHours(12).toMillis());

        Configuration flinkConfig = cfg.flinkConfiguration();
        try (LiveMetrics metrics = LiveMetrics.register(flinkConfig);
                LocalFlinkCluster cluster = LocalFlinkCluster.start(flinkConfig, cfg.get(JobOptions.PARALLELISM));
                KafkaProducer<byte[], byte[]> producer = producer()) {
            var env = cluster.newEnvironment();
            StreamrecPipeline.build(env, cfg);
            JobID job = cluster.submit(env, cfg.get(JobOptions.CONSUMER_GROUP));
            before.forEach(e -> send(producer, cfg, e, null));
            producer.flush();
            awaitSnapshots(cfg, 50, cluster, job, metrics);

            lowerMaxMessageBytes(cfg.topics().userFeatures());
            for (int i = 0; i < normal.size(); i++) {
                send(producer, cfg, normal.get(i), null);
                if (i % 2 == 0) {
                    send(producer, cfg, heavy.get(i / 2), null);
                }
                if (i == 60) {
                    send(producer, cfg, skewed, null);
                }
            }
            for (int p = 0; p < PARTITIONS; p++) { // carry every partition's watermark past the events above
                send(producer, cfg, event("sentinel-" + p, "sentinel-" + p, "none", "", now + 60_000), p);
            }
            producer.flush();

            Set<String> written = new HashSet<>();
            Map<String, JsonNode> deadLetters = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!allAccountedFor(before, normal, heavy, skewed, written, deadLetters)) {
                assertThat(System.nanoTime())
                        .as("written %s, dead letters %s", written.size(), deadLetters.keySet())
                        .isLessThan(deadline);
                assertHealthy(cluster, job, metrics);
                Thread.sleep(500);
                written = eventIdsWritten(cfg);
                deadLetters = deadLetters(cfg);
            }
            assertHealthy(cluster, job, metrics);

            List<JsonNode> refusedByBroker = deadLetters.values().stream()
                    .filter(letter -> letter.get("reason").asText().equals("broker-refused"))
                    .toList();
            assertThat(refusedByBroker)
                    .as("heavy snapshots over %d bytes", LIMIT_BYTES)
                    .isNotEmpty();
            assertThat(refusedByBroker).allSatisfy(letter -> {
                assertThat(letter.get("sourceTopic").asText())
                        .isEqualTo(cfg.topics().userFeatures());
                assertThat(letter.get("key").asText()).startsWith("h");
                assertThat(letter.get("reasons").get(0).asText())
                        .startsWith("broker-refused: RecordTooLargeException: ");
                assertThat(letter.get("payloadText").asText().length()).isGreaterThan(LIMIT_BYTES);
            });
            assertThat(deadLetters.get("skewed").get("reasons").get(0).asText())
                    .startsWith("timestamp-in-future:timestamp");
            assertThat(written)
                    .as("every snapshot of the normal users, before and after the limit changed")
                    .containsAll(ids(before))
                    .containsAll(ids(normal));
            assertThat(metrics.total("publish", "deadLettered")).isEqualTo(refusedByBroker.size());
            assertThat(metrics.total("publish", "lost")).isZero();
            cluster.cancel(job);
        }
    }

    /** Every event is either written as a snapshot or dead-lettered; the heavy ones may be either. */
    private static boolean allAccountedFor(
            List<UserEvent> before,
            List<UserEvent> normal,
            List<UserEvent> heavy,
            UserEvent skewed,
            Set<String> written,
            Map<String, JsonNode> deadLetters) {
        return written.containsAll(ids(before))
                && written.containsAll(ids(normal))
                && ids(heavy).stream().allMatch(id -> written.contains(id) || deadLetters.containsKey(id))
                && deadLetters.containsKey(skewed.getEventId());
    }

    private static List<String> ids(List<UserEvent> events) {
        return events.stream().map(UserEvent::getEventId).toList();
    }

    private static Set<String> eventIdsWritten(StreamrecJobConfig cfg) throws IOException {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopicReader.readAll(
                cfg.get(JobOptions.BOOTSTRAP_SERVERS), cfg.topics().userFeatures())) {
            ids.add(JSON.readTree(r.value()).get("eventId").asText());
        }
        return ids;
    }

    /** Dead letters by the event id they carry: the event's own, or that of the snapshot that was refused. */
    private static Map<String, JsonNode> deadLetters(StreamrecJobConfig cfg) throws IOException {
        Map<String, JsonNode> byEvent = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopicReader.readAll(
                cfg.get(JobOptions.BOOTSTRAP_SERVERS), cfg.topics().eventsDlq())) {
            JsonNode letter = JSON.readTree(r.value());
            byEvent.put(
                    JSON.readTree(letter.get("payloadText").asText())
                            .get("eventId")
                            .asText(),
                    letter);
        }
        return byEvent;
    }

    private static void awaitSnapshots(
            StreamrecJobConfig cfg, int count, LocalFlinkCluster cluster, JobID job, LiveMetrics metrics)
            throws Exception {
        KafkaTopicReader.readUntil(
                cfg.get(JobOptions.BOOTSTRAP_SERVERS),
                cfg.topics().userFeatures(),
                records -> {
                    assertHealthy(cluster, job, metrics);
                    return records.size() >= count;
                },
                Duration.ofMinutes(2));
    }

    private static void lowerMaxMessageBytes(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(
                            resource,
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("max.message.bytes", Integer.toString(LIMIT_BYTES)),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin.describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource)
                    .get("max.message.bytes")
                    .value()
                    .equals(Integer.toString(LIMIT_BYTES))) {
                assertThat(System.nanoTime())
                        .as("the broker took the new limit")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    private static void assertHealthy(LocalFlinkCluster cluster, JobID job, LiveMetrics metrics) {
        try {
            assertThat(cluster.status(job))
                    .as("job status")
                    .isIn(JobStatus.CREATED, JobStatus.INITIALIZING, JobStatus.RUNNING);
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("could not read the job's status", e);
        }
        assertThat(metrics.max("numRestarts")).as("job restarts").isZero();
    }

    /** An event; a non-empty {@code longIds} gives it long category, shop and brand ids, which make snapshots big. */
    private static UserEvent event(String id, String user, String item, String longIds, long timestamp) {
        UserEvent.Builder b = UserEvent.newBuilder()
                .setEventId(id)
                .setUserId(user)
                .setItemId(longIds.isEmpty() ? item : item + "-" + longIds)
                .setEventType("view")
                .setTimestamp(timestamp);
        if (!longIds.isEmpty()) {
            b.setLeafCategoryId("leaf-" + longIds)
                    .setCategoryId("cat-" + longIds)
                    .setShopId("shop-" + longIds)
                    .setBrandId("brand-" + longIds);
        }
        return b.build();
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
