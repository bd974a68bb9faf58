package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.flink.job.TopicNames;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.flink.job.Topics;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.codec.JsonCodecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline bounded over a {@link MovieLensScenario} against any Kafka cluster and checks all it
 * wrote: every refused record in the DLQ exactly once with its reason, no good event there, one snapshot per
 * accepted event, and each user's last snapshot equal to the independent reference of docs/design.md, "User state".
 */
final class IngestionCheck {

    private static final Logger LOG = LoggerFactory.getLogger(IngestionCheck.class);

    /** Smaller than the defaults, so the size bounds are exercised often and snapshots stay small. */
    static final int MAX_ITEMS = 20;

    static final HistoryPolicy POLICY = HistoryPolicy.builder()
            .set(HistoryPolicy.MAX_SESSION_ITEMS, MAX_ITEMS)
            .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, MAX_ITEMS)
            .build();

    private IngestionCheck() {}

    static void runAndVerify(String bootstrapServers, String prefix, MovieLensScenario scenario, Path checkpoints)
            throws Exception {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .set(JobOptions.BOOTSTRAP_SERVERS, bootstrapServers)
                .set(JobOptions.EVENTS_TOPIC, prefix + "-events")
                .set(JobOptions.PROFILES_TOPIC, prefix + "-profiles")
                .set(JobOptions.DLQ_TOPIC, prefix + "-dlq")
                .set(JobOptions.USER_FEATURES_TOPIC, prefix + "-features")
                .set(JobOptions.CONSUMER_GROUP, prefix)
                .set(JobOptions.BOUNDED, true)
                .set(JobOptions.VECTORS, false)
                .set(JobOptions.PUBLISH_USER_FEATURES, true)
                .set(HistoryPolicy.MAX_SESSION_ITEMS, MAX_ITEMS)
                .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, MAX_ITEMS)
                .set(JobOptions.PARALLELISM, FlinkMiniCluster.PARALLELISM)
                .set(JobOptions.CHECKPOINT_DIR, checkpoints.toString())
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(2))
                .set(JobOptions.KAFKA_PROPERTIES, Map.of("compression.type", "lz4"))
                .build();
        TopicNames topics = cfg.topics();
        Topics.createIfAbsent(
                bootstrapServers,
                List.of(
                        TopicSpec.of(topics.events(), 4),
                        TopicSpec.compacted(topics.userProfiles(), 2),
                        TopicSpec.of(topics.eventsDlq(), 2),
                        TopicSpec.of(topics.userFeatures(), 4)));
        scenario.produceProfiles(bootstrapServers, topics.userProfiles());
        long started = System.nanoTime();
        List<MovieLensScenario.Landed> landed =
                scenario.produce(bootstrapServers, topics.events(), 0, scenario.records.size());
        LOG.info("Produced {} records in {} ms", landed.size(), (System.nanoTime() - started) / 1_000_000);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cfg.flinkConfiguration());
        StreamrecPipeline.build(env, cfg);
        started = System.nanoTime();
        env.execute(prefix);
        LOG.info("Bounded job over {} records took {} ms", landed.size(), (System.nanoTime() - started) / 1_000_000);

        verifyDeadLetters(
                scenario.expectedRefusals(landed),
                JobOutput.deadLetters(KafkaTopicReader.readAll(bootstrapServers, topics.eventsDlq())));
        verifySnapshots(scenario, KafkaTopicReader.readAll(bootstrapServers, topics.userFeatures()));
    }

    private static void verifyDeadLetters(
            Map<MovieLensScenario.Landed, String> expected, List<JobOutput.DeadLetterSeen> deadLetters) {
        Map<MovieLensScenario.Landed, Long> timesSeen = deadLetters.stream()
                .collect(Collectors.groupingBy(JobOutput.DeadLetterSeen::source, Collectors.counting()));
        Map<MovieLensScenario.Landed, String> codeSeen = new HashMap<>();
        deadLetters.forEach(d -> codeSeen.put(d.source(), d.code()));

        assertThat(sample(expected.keySet().stream()
                        .filter(k -> !timesSeen.containsKey(k))
                        .map(k -> k + " " + expected.get(k))))
                .as("refused records missing from the DLQ")
                .isEmpty();
        assertThat(sample(deadLetters.stream().filter(d -> !expected.containsKey(d.source()))))
                .as("good events in the DLQ")
                .isEmpty();
        assertThat(sample(timesSeen.entrySet().stream().filter(e -> e.getValue() > 1)))
                .as("records dead-lettered more than once")
                .isEmpty();
        assertThat(sample(expected.entrySet().stream()
                        .filter(e -> timesSeen.containsKey(e.getKey())
                                && !e.getValue().equals(codeSeen.get(e.getKey())))
                        .map(e -> e.getKey() + " expected " + e.getValue() + " got " + codeSeen.get(e.getKey()))))
                .as("dead letters whose reason does not match their fault")
                .isEmpty();
        assertThat(codeSeen.values()).containsAll(MalformedEvents.kinds()).contains("late", "duplicate");
    }

    private static void verifySnapshots(
            MovieLensScenario scenario,
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> features) {
        assertThat(features)
                .as("one snapshot per accepted event: nothing lost, nothing twice")
                .hasSize(scenario.accepted.size());
        Map<String, JsonNode> expected = new HashMap<>();
        scenario.expectedFinalSnapshots(POLICY)
                .forEach((user, snapshot) ->
                        expected.put(user, JobOutput.parse(JsonCodecs.FEATURE_SNAPSHOT.encode(snapshot))));
        Map<String, JsonNode> actual = JobOutput.lastSnapshotPerUser(features);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        List<String> differing = expected.keySet().stream()
                .filter(user -> !expected.get(user).equals(actual.get(user)))
                .sorted()
                .toList();
        assertThat(differing)
                .as(() -> differing.size() + " users' last snapshot differs from the reference, first "
                        + differing.get(0) + ":\nexpected " + expected.get(differing.get(0)) + "\nactual   "
                        + actual.get(differing.get(0)))
                .isEmpty();
    }

    /** At most 10 items, so a failure message stays readable. */
    private static List<String> sample(Stream<?> items) {
        return items.limit(10).map(String::valueOf).toList();
    }
}
