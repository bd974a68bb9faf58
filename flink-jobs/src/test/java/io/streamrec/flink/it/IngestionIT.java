package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.flink.job.TopicNames;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.codec.JsonCodecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole ingestion path on real parts: the embedded Kafka broker, a Flink MiniCluster at parallelism 2
 * with RocksDB and checkpoints, and every ml-latest-small rating mixed with malformed, duplicate and late
 * records. The user-state results are checked against an independent implementation of DESIGN.md §5.
 */
class IngestionIT {

    private static final Logger LOG = LoggerFactory.getLogger(IngestionIT.class);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    /** Smaller than the defaults, so the size bounds are exercised often and snapshots stay small. */
    static final HistoryPolicy POLICY = HistoryPolicy.builder().maxSessionItems(20).maxLongTermPerFeature(20).build();

    @Test
    void everyRatingReachesUserStateAndEveryBadRecordTheDeadLetterTopicOnce(@TempDir Path checkpoints) throws Exception {
        MovieLensScenario scenario = MovieLensScenario.create(1_200, 150, 100, 20, 42L);
        TopicNames topics = TopicNames.defaults().withEvents("ingest-events").withUserProfiles("ingest-profiles")
                .withEventsDlq("ingest-dlq").withUserFeatures("ingest-features");
        KAFKA.createTopics(TopicSpec.of(topics.events(), 4), TopicSpec.compacted(topics.userProfiles(), 2),
                TopicSpec.of(topics.eventsDlq(), 2), TopicSpec.of(topics.userFeatures(), 4));
        scenario.produceProfiles(KAFKA.bootstrapServers(), topics.userProfiles());
        long started = System.nanoTime();
        List<MovieLensScenario.Landed> landed =
                scenario.produce(KAFKA.bootstrapServers(), topics.events(), 0, scenario.records.size());
        LOG.info("Produced {} records in {} ms", landed.size(), (System.nanoTime() - started) / 1_000_000);

        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .topics(topics)
                .consumerGroup("ingestion-it")
                .bounded(true)
                .publishUserFeatures(true)
                .historyPolicy(POLICY)
                .parallelism(FlinkMiniCluster.PARALLELISM)
                .checkpointDir(checkpoints)
                .checkpointInterval(Duration.ofSeconds(2))
                .kafkaProperty("compression.type", "lz4")
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cfg.flinkConfiguration());
        StreamrecPipeline.build(env, cfg);
        started = System.nanoTime();
        env.execute("ingestion-it");
        LOG.info("Bounded job over {} records took {} ms", landed.size(), (System.nanoTime() - started) / 1_000_000);

        List<JobOutput.DeadLetterSeen> deadLetters = JobOutput.deadLetters(
                KafkaTopicReader.readAll(KAFKA.bootstrapServers(), topics.eventsDlq()));
        Map<MovieLensScenario.Landed, String> expectedRefusals = scenario.expectedRefusals(landed);
        Map<MovieLensScenario.Landed, Long> timesSeen = deadLetters.stream()
                .collect(Collectors.groupingBy(JobOutput.DeadLetterSeen::source, Collectors.counting()));
        Map<MovieLensScenario.Landed, String> codeSeen = new HashMap<>();
        deadLetters.forEach(d -> codeSeen.put(d.source(), d.code()));

        assertThat(expectedRefusals).hasSize(1_200 + 150 + 100);
        assertThat(sample(expectedRefusals.keySet().stream().filter(k -> !timesSeen.containsKey(k))
                .map(k -> k + " " + expectedRefusals.get(k))))
                .as("refused records missing from the DLQ").isEmpty();
        assertThat(sample(deadLetters.stream().filter(d -> !expectedRefusals.containsKey(d.source()))))
                .as("good events in the DLQ").isEmpty();
        assertThat(sample(timesSeen.entrySet().stream().filter(e -> e.getValue() > 1)))
                .as("records dead-lettered more than once").isEmpty();
        assertThat(sample(expectedRefusals.entrySet().stream()
                .filter(e -> timesSeen.containsKey(e.getKey()) && !e.getValue().equals(codeSeen.get(e.getKey())))
                .map(e -> e.getKey() + " expected " + e.getValue() + " got " + codeSeen.get(e.getKey()))))
                .as("dead letters whose reason does not match their fault").isEmpty();
        assertThat(codeSeen.values()).containsAll(MalformedEvents.kinds()).contains("late", "duplicate");

        var features = KafkaTopicReader.readAll(KAFKA.bootstrapServers(), topics.userFeatures());
        assertThat(features).as("one snapshot per accepted event: nothing lost, nothing twice")
                .hasSize(scenario.accepted.size());
        Map<String, JsonNode> expected = new HashMap<>();
        scenario.expectedFinalSnapshots(POLICY).forEach((user, snapshot) -> expected.put(user, json(snapshot)));
        Map<String, JsonNode> actual = JobOutput.lastSnapshotPerUser(features);
        assertThat(actual.keySet()).hasSize(610).isEqualTo(expected.keySet());
        List<String> differing = expected.keySet().stream()
                .filter(user -> !expected.get(user).equals(actual.get(user))).sorted().toList();
        assertThat(differing).as(() -> differing.size() + " users' last snapshot differs from the reference, first "
                + differing.get(0) + ":\nexpected " + expected.get(differing.get(0)) + "\nactual   "
                + actual.get(differing.get(0))).isEmpty();
    }

    /** At most 10 items, so a failure message stays readable. */
    private static List<String> sample(Stream<?> items) {
        return items.limit(10).map(String::valueOf).toList();
    }

    private static JsonNode json(FeatureSnapshot snapshot) {
        return JobOutput.parse(JsonCodecs.FEATURE_SNAPSHOT.encode(snapshot));
    }
}
