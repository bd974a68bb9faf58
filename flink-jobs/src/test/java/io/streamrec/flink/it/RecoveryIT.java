package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.flink.job.TopicNames;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.flink.state.ApplyOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the job mid-stream after a completed checkpoint, resumes it from that retained checkpoint, and
 * requires the final state of every user to equal an uninterrupted run's, with exactly-once output: every
 * snapshot committed once across the stop, none lost and none repeated.
 */
class RecoveryIT {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryIT.class);
    private static final int PARTITIONS = 4;
    private static final Duration TIMEOUT = Duration.ofMinutes(4);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @ParameterizedTest
    @EnumSource(ApplyOrder.class)
    void resumingFromARetainedCheckpointEndsInTheSameStateAsAnUninterruptedRun(ApplyOrder order, @TempDir Path dir)
            throws Exception {
        MovieLensScenario scenario = MovieLensScenario.create(25_000, 300, 50, 0, 5, 7L);
        int expectedSnapshots = scenario.accepted.size();
        int half = scenario.records.size() / 2;

        // the uninterrupted run: everything at once, bounded
        StreamrecJobConfig uninterrupted = config("recovery-whole-" + order.optionValue(), dir.resolve("whole"))
                .set(JobOptions.APPLY_ORDER, order)
                .set(JobOptions.BOUNDED, true)
                .build();
        createTopics(uninterrupted.topics());
        scenario.produceProfiles(
                KAFKA.bootstrapServers(), uninterrupted.topics().userProfiles());
        scenario.produce(KAFKA.bootstrapServers(), uninterrupted.topics().events(), 0, scenario.records.size());
        scenario.produceWatermarkSentinels(
                KAFKA.bootstrapServers(), uninterrupted.topics().events(), PARTITIONS);
        run(uninterrupted).getJobExecutionResult().get();
        Map<String, JsonNode> expected = realUsers(JobOutput.lastSnapshotPerUser(KafkaTopicReader.readAll(
                KAFKA.bootstrapServers(), uninterrupted.topics().userFeatures())));

        // the interrupted run: half the stream, stopped after a checkpoint committed some output
        StreamrecJobConfig interrupted = config("recovery-stopped-" + order.optionValue(), dir.resolve("stopped"))
                .set(JobOptions.APPLY_ORDER, order)
                .build();
        createTopics(interrupted.topics());
        scenario.produceProfiles(KAFKA.bootstrapServers(), interrupted.topics().userProfiles());
        scenario.produce(KAFKA.bootstrapServers(), interrupted.topics().events(), 0, half);
        JobClient first = run(interrupted);
        int committedBeforeStop = KafkaTopicReader.readUntil(
                        KAFKA.bootstrapServers(),
                        interrupted.topics().userFeatures(),
                        records -> !records.isEmpty(),
                        TIMEOUT)
                .size();
        cancel(first);
        Path checkpoint = latestCheckpoint(Path.of(interrupted.get(JobOptions.CHECKPOINT_DIR)))
                .orElseThrow(() -> new AssertionError("no completed checkpoint was retained"));
        LOG.info("Stopped after {} committed snapshots; resuming from {}", committedBeforeStop, checkpoint);

        // the rest of the stream arrives while the job is down; the job resumes from the retained checkpoint
        scenario.produce(KAFKA.bootstrapServers(), interrupted.topics().events(), half, scenario.records.size());
        scenario.produceWatermarkSentinels(
                KAFKA.bootstrapServers(), interrupted.topics().events(), PARTITIONS);
        JobClient resumed = run(interrupted.toBuilder()
                .set(JobOptions.RESTORE_FROM, checkpoint.toString())
                .build());
        KafkaTopicReader.readUntil(
                KAFKA.bootstrapServers(),
                interrupted.topics().userFeatures(),
                records -> records.stream().filter(RecoveryIT::ofTheScenario).count() >= expectedSnapshots,
                TIMEOUT);
        Thread.sleep(3
                * interrupted
                        .get(JobOptions.CHECKPOINT_INTERVAL)
                        .toMillis()); // let any duplicate be committed before counting
        cancel(resumed);
        // applied on arrival, the watermark sentinels have snapshots of their own; they are not the scenario's
        var output = KafkaTopicReader.readAll(
                        KAFKA.bootstrapServers(), interrupted.topics().userFeatures())
                .stream()
                .filter(RecoveryIT::ofTheScenario)
                .toList();

        assertThat(committedBeforeStop).as("stopped mid-stream").isBetween(1, expectedSnapshots - 1);
        assertThat(output)
                .as("each accepted event's snapshot committed exactly once across the stop")
                .hasSize(expectedSnapshots);
        Map<String, JsonNode> actual = JobOutput.lastSnapshotPerUser(output);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        List<String> differing = expected.keySet().stream()
                .filter(user -> !expected.get(user).equals(actual.get(user)))
                .sorted()
                .toList();
        assertThat(differing)
                .as(() -> differing.size() + " users end differently, first " + differing.get(0)
                        + ":\nuninterrupted " + expected.get(differing.get(0)) + "\nresumed       "
                        + actual.get(differing.get(0)))
                .isEmpty();
    }

    private static StreamrecJobConfig.Builder config(String name, Path checkpoints) {
        return StreamrecJobConfig.builder()
                .set(JobOptions.BOOTSTRAP_SERVERS, KAFKA.bootstrapServers())
                .set(JobOptions.EVENTS_TOPIC, name + "-events")
                .set(JobOptions.PROFILES_TOPIC, name + "-profiles")
                .set(JobOptions.DLQ_TOPIC, name + "-dlq")
                .set(JobOptions.USER_FEATURES_TOPIC, name + "-features")
                .set(JobOptions.CONSUMER_GROUP, name)
                .set(JobOptions.PUBLISH_USER_FEATURES, true)
                .set(JobOptions.VECTORS, false)
                .set(JobOptions.DELIVERY_GUARANTEE, DeliveryGuarantee.EXACTLY_ONCE)
                .set(JobOptions.PARALLELISM, FlinkMiniCluster.PARALLELISM)
                .set(JobOptions.CHECKPOINT_DIR, checkpoints.toString())
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1))
                // never idle: on a loaded CI machine a partition can go unread for longer than any idleness,
                // and the sentinels release every partition's watermark at the end anyway
                .set(JobOptions.SOURCE_IDLENESS, Duration.ZERO)
                .set(JobOptions.KAFKA_PROPERTIES, Map.of("compression.type", "lz4"));
    }

    private static void createTopics(TopicNames topics) {
        KAFKA.createTopics(
                TopicSpec.of(topics.events(), PARTITIONS),
                TopicSpec.compacted(topics.userProfiles(), 2),
                TopicSpec.of(topics.eventsDlq(), 2),
                TopicSpec.of(topics.userFeatures(), PARTITIONS));
    }

    private static JobClient run(StreamrecJobConfig cfg) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cfg.flinkConfiguration());
        StreamrecPipeline.build(env, cfg);
        return env.executeAsync(cfg.get(JobOptions.CONSUMER_GROUP));
    }

    private static void cancel(JobClient job) throws Exception {
        job.cancel().get();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!job.getJobStatus().get().isGloballyTerminalState()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job.getJobID() + " did not stop");
            }
            Thread.sleep(100);
        }
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.CANCELED);
    }

    /** The newest {@code chk-<n>} folder with its {@code _metadata}, under {@code <dir>/<job id>/}. */
    static Optional<Path> latestCheckpoint(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .map(Path::getParent)
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingInt(
                            p -> Integer.parseInt(p.getFileName().toString().substring(4))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean ofTheScenario(ConsumerRecord<byte[], byte[]> snapshot) {
        return !new String(snapshot.key(), StandardCharsets.UTF_8).startsWith(MovieLensScenario.SENTINEL_USER);
    }

    private static Map<String, JsonNode> realUsers(Map<String, JsonNode> snapshots) {
        return snapshots.entrySet().stream()
                .filter(e -> !e.getKey().startsWith(MovieLensScenario.SENTINEL_USER))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
