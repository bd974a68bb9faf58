package io.streamrec.flink.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.embedded.LiveMetrics;
import io.streamrec.model.train.online.OnlineLearner;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UpdateKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer in a real Flink job: MiniCluster, RocksDB backend, checkpoints every 200 ms while it trains,
 * real DJL, gauges read through Flink's metric reporters while the job runs. The operator is attached exactly as the pipeline attaches it ({@link TrainerOperator#attach}).
 */
class TrainerJobIT {

    private static final Configuration CLUSTER_CONFIG = new Configuration();
    private static final LiveMetrics METRICS = LiveMetrics.register(CLUSTER_CONFIG);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(CLUSTER_CONFIG)
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final List<String> GAUGES = List.of(
            "prequentialHr10",
            "prequentialHr50",
            "prequentialNdcg10",
            "prequentialNdcg50",
            "popularityHr50",
            "loss",
            "examplesSeen",
            "examplesScored",
            "prequentialHits50",
            "popularityHits50",
            "examplesTrained",
            "fractionTrained",
            "examplesPerSecond",
            "usersPerBatch",
            "modelVersion",
            "lastDeltaIntervalMs");

    @AfterAll
    static void closeMetrics() {
        METRICS.close();
    }

    @Test
    void boundedStreamIsTrainedToTheEndWithVersionsInOrderAndCheckpointsTaken(@TempDir Path checkpoints)
            throws Exception {
        List<TrainingExample> examples = SequenceStreams.walks(40 * 32 + 7, 120, 21);
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
        conf.setString("execution.checkpointing.interval", "200 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        TrainerOperatorConfig config = TrainerOperatorTest.config()
                .set(TrainerOperatorConfig.DELTA_INTERVAL, Duration.ofMillis(500))
                .set(OnlineLearner.Policy.QUEUE_CAPACITY, examples.size())
                .build();

        List<ModelUpdate> updates = new ArrayList<>();
        Set<String> gaugesWhileRunning = ConcurrentHashMap.newKeySet();
        AtomicLong seenWhileRunning = new AtomicLong();
        AtomicLong checkpointsCompleted = new AtomicLong();
        // the gauges live from the operator's open to its close: watch them from the side while the job runs
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(
                () -> {
                    GAUGES.stream().filter(METRICS::has).forEach(gaugesWhileRunning::add);
                    seenWhileRunning.accumulateAndGet(
                            METRICS.sum(TrainerOperator.METRIC_GROUP, "examplesSeen"), Math::max);
                    checkpointsCompleted.accumulateAndGet(METRICS.max("numberOfCompletedCheckpoints"), Math::max);
                },
                0,
                5,
                TimeUnit.MILLISECONDS);
        try (CloseableIterator<ModelUpdate> out = TrainerOperator.attach(
                        env.fromData(examples, new AvroTypeInfo<>(TrainingExample.class)), config)
                .executeAndCollect("trainer job")) {
            out.forEachRemaining(updates::add);
        } finally {
            watcher.shutdownNow();
        }
        assertThat(gaugesWhileRunning)
                .as("gauges reported to Flink's metric system")
                .containsExactlyInAnyOrderElementsOf(GAUGES);
        assertThat(seenWhileRunning.get()).isPositive();

        assertThat(updates.get(0).getKind()).isEqualTo(UpdateKind.FULL);
        assertThat(updates.get(0).getVersion()).isEqualTo(1);
        long previous = 0;
        for (ModelUpdate u : updates) {
            assertThat(u.getVersion()).isGreaterThanOrEqualTo(previous);
            if (u.getKind() == UpdateKind.DELTA && u.getChunkIndex() == 0) {
                assertThat(u.getVersion()).isGreaterThan(previous);
            }
            previous = u.getVersion();
        }
        ModelUpdate last = updates.get(updates.size() - 1);
        assertThat(last.getKind()).as("the final delta after the end of input").isEqualTo(UpdateKind.DELTA);
        Set<String> published = new HashSet<>();
        updates.forEach(u -> u.getItemRows().stream().map(ItemRow::getItemId).forEach(published::add));
        Set<String> targets = new HashSet<>();
        examples.forEach(e -> targets.add(e.getTarget().getItemId()));
        assertThat(published)
                .as("every target, the last partial batch's too, reached a published version")
                .containsAll(targets);
        assertThat(checkpointsCompleted.get())
                .as("checkpoints completed while the trainer ran")
                .isPositive();
    }
}
