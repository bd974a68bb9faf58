package io.streamrec.flink.train;

import static io.streamrec.flink.train.SequenceStreams.bursts;
import static io.streamrec.flink.train.SequenceStreams.targets;
import static io.streamrec.flink.train.SequenceStreams.walks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.streamrec.model.FrozenState;
import io.streamrec.model.estimator.StreamingFrequencyEstimator;
import io.streamrec.model.eval.PrequentialEvaluator;
import io.streamrec.model.train.Ranking;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.TrainingFixtures;
import io.streamrec.model.train.online.OnlineLearner;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UpdateKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/** The trainer operator in Flink's operator test harness with real DJL (mean-pool encoder, small dimensions, seeded). */
class TrainerOperatorTest {

    private static final int BATCH = 32;

    static TrainerOperatorConfig.Builder config() {
        return TrainerOperatorConfig.builder()
                .model("meanpool")
                .modelSettings(Map.of("meanpool.hidden", "32"))
                .trainer(TrainingFixtures.smallConfig()
                        .set(TrainerOptions.BATCH_SIZE, BATCH)
                        .build())
                .set(TrainerOperatorConfig.DELTA_INTERVAL, Duration.ofSeconds(10))
                .set(TrainerOperatorConfig.FULL_UPDATE_INTERVAL, Duration.ofMinutes(1))
                // unless a test asks otherwise: each fed batch is scored and trained at once, without replay, and a
                // partial batch waits (for the end of input)
                .set(OnlineLearner.Policy.REPLAY_RATIO, 0.0)
                .set(OnlineLearner.Policy.MAX_BATCH_DELAY, Duration.ofHours(1))
                .set(TrainerOperatorConfig.MAX_SCORE_SHARE, 1.0)
                .set(TrainerOperatorConfig.METRIC_WINDOW, 1000);
    }

    private static List<String> ids(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    private static List<String> itemIds(List<ModelUpdate> chunks) {
        return chunks.stream()
                .flatMap(u -> u.getItemRows().stream())
                .map(ItemRow::getItemId)
                .toList();
    }

    @Test
    void publishesFullVersionOneAtOpenThenDeltasWithNewItemsEveryIntervalAndFullsOnSchedule() throws Exception {
        try (TrainerHarness h = TrainerHarness.open(config().build(), null)) {
            List<ModelUpdate> cold = h.newUpdates();
            assertThat(cold).isNotEmpty().allSatisfy(u -> {
                assertThat(u.getKind()).isEqualTo(UpdateKind.FULL);
                assertThat(u.getVersion()).isEqualTo(1);
                assertThat(u.getBaseVersion()).isNull();
                assertThat(u.getModelName()).isEqualTo("meanpool");
                assertThat(u.getChunkCount()).isEqualTo(cold.size());
            });
            assertThat(cold.get(0).getSpec().getEncoderName()).isEqualTo("meanpool");
            assertThat(cold.get(0).getSpec().getEncoderSettings()).containsEntry("meanpool.hidden", "32");
            assertThat(cold.get(0).getDense()).isNotEmpty();
            assertThat(itemIds(cold)).as("a cold trainer knows no items").isEmpty();

            h.feedAndTrain(targets("a", ids("b", BATCH)), BATCH);
            List<ModelUpdate> first = h.advanceTo(10_000, 1);
            assertThat(first).allSatisfy(u -> {
                assertThat(u.getKind()).isEqualTo(UpdateKind.DELTA);
                assertThat(u.getVersion()).isEqualTo(2);
                assertThat(u.getBaseVersion()).isEqualTo(1);
            });
            assertThat(itemIds(first)).containsAll(ids("b", BATCH)).contains("a");

            h.feedAndTrain(targets("a", ids("new", BATCH)), 2 * BATCH);
            List<ModelUpdate> second = h.advanceTo(20_000, 1);
            assertThat(second).allSatisfy(u -> {
                assertThat(u.getVersion()).isEqualTo(3);
                assertThat(u.getBaseVersion()).isEqualTo(2);
            });
            assertThat(itemIds(second)).as("items first seen since version 2").containsAll(ids("new", BATCH));

            // nothing trained since version 3: the delta timers at 30..60 s publish nothing, the FULL at 60 s does
            List<ModelUpdate> full = h.advanceTo(60_000, 1);
            assertThat(full).allSatisfy(u -> {
                assertThat(u.getKind()).isEqualTo(UpdateKind.FULL);
                assertThat(u.getVersion()).isEqualTo(4);
            });
            assertThat(itemIds(full))
                    .containsAll(ids("b", BATCH))
                    .containsAll(ids("new", BATCH))
                    .contains("a");
            assertThat(h.operator().figures().examples()).isEqualTo(2 * BATCH);
        }
    }

    @Test
    void aStartWithoutCheckpointContinuesAfterTheNewestPublishedVersion() throws Exception {
        try (TrainerHarness h = TrainerHarness.open(config().build(), null, () -> 41L)) {
            assertThat(h.newUpdates()).isNotEmpty().allSatisfy(u -> {
                assertThat(u.getKind()).isEqualTo(UpdateKind.FULL);
                assertThat(u.getVersion()).isEqualTo(42);
            });
            h.feedAndTrain(targets("a", ids("b", BATCH)), BATCH);
            assertThat(h.advanceTo(10_000, 1)).allSatisfy(u -> {
                assertThat(u.getVersion()).isEqualTo(43);
                assertThat(u.getBaseVersion()).isEqualTo(42);
            });
        }
    }

    @Test
    void itemsEvictedFromAFullVocabularyAreTombstonedInTheNextDelta() throws Exception {
        TrainerConfig smallVocabulary = config().build().trainerConfig().toBuilder()
                .vocabularyCapacity(40)
                .build();
        try (TrainerHarness h =
                TrainerHarness.open(config().trainer(smallVocabulary).build(), null)) {
            h.newUpdates();
            h.feedAndTrain(targets("a", ids("b", BATCH)), BATCH);
            assertThat(h.advanceTo(10_000, 1))
                    .allSatisfy(u -> assertThat(u.getTombstones()).isEmpty());
            h.feedAndTrain(targets("a", ids("n", BATCH)), 2 * BATCH);
            List<ModelUpdate> delta = h.advanceTo(20_000, 1);
            List<String> evicted = delta.stream()
                    .flatMap(u -> u.getTombstones().stream())
                    .filter(t -> t.getFeature().equals("item"))
                    .map(t -> t.getId())
                    .toList();
            // 65 distinct items through 40 rows: at least 25 of the first batch's targets had to go
            assertThat(evicted)
                    .hasSizeGreaterThanOrEqualTo(25)
                    .allSatisfy(id -> assertThat(id).startsWith("b"));
            assertThat(itemIds(delta)).containsAll(ids("n", BATCH)).doesNotContainAnyElementsOf(evicted);
        }
    }

    @Test
    void scoresEachBatchWithTheWeightsBeforeItsStep() throws Exception {
        // 20 items in all, fewer than 50: once the trainer knows them, every target is in its top 50
        List<TrainingExample> batch = targets(
                "a", IntStream.range(0, BATCH).mapToObj(i -> "b" + (i % 19)).toList());
        try (TrainerHarness h = TrainerHarness.open(config().build(), null)) {
            h.feedAndTrain(batch, BATCH);
            PrequentialEvaluator.Figures afterFirst = h.operator().figures();
            assertThat(afterFirst.examples()).isEqualTo(BATCH);
            assertThat(afterFirst.hr50())
                    .as("new ids are admitted when first scored: 20 untrained items, all in the top 50")
                    .isEqualTo(1.0);
            assertThat(afterFirst.popularityHr50())
                    .as("the baselines learn the batch only after it was scored")
                    .isZero();
            assertThat(afterFirst.itemCfHr50()).isZero();
            assertThat(afterFirst.loss()).isFinite().isPositive();

            h.feedAndTrain(batch, 2 * BATCH);
            PrequentialEvaluator.Figures afterSecond = h.operator().figures();
            assertThat(afterSecond.hr50()).isEqualTo(1.0);
            assertThat(afterSecond.popularityHr50())
                    .as("second batch all hits, rolling over both")
                    .isEqualTo(0.5);
            assertThat(afterSecond.ndcg50()).isBetween(0.0, 0.5);
            assertThat(afterSecond.ndcg10()).isBetween(0.0, afterSecond.ndcg50());
        }
    }

    @Test
    void processElementNeverWaitsForTheTrainerAndOverloadTrainsASampleWithItsFractionReported() throws Exception {
        List<TrainingExample> stream = walks(1000, 100, 3);
        try (TrainerHarness h = TrainerHarness.open(
                config().set(OnlineLearner.Policy.QUEUE_CAPACITY, BATCH)
                        .set(OnlineLearner.Policy.BACKLOG_CAPACITY, 0)
                        .build(),
                null)) {
            try (TrainingLoop.Pause stalled = h.loop().pause()) {
                // the training thread cannot take a single example while paused; offering must not wait for it
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> h.feed(stream));
                assertThat(h.operator().queue().size()).isEqualTo(BATCH);
            }
            h.await(() -> h.loop().trained() == BATCH, "the queued batch to be trained");
            assertThat(h.operator().queue().seen()).isEqualTo(1000);
            assertThat(h.operator().queue().dropped()).isEqualTo(1000 - BATCH);
            assertThat(h.operator().fractionTrained()).isEqualTo(BATCH / 1000.0);
        }
    }

    @Test
    void aBurstTheTrainerCannotTakeWaitsInTheBacklogAndIsTrainedInFull() throws Exception {
        List<TrainingExample> stream = walks(30 * BATCH, 100, 4);
        try (TrainerHarness h = TrainerHarness.open(
                config().set(OnlineLearner.Policy.QUEUE_CAPACITY, BATCH)
                        .set(OnlineLearner.Policy.BACKLOG_CAPACITY, 30 * BATCH)
                        .build(),
                null)) {
            try (TrainingLoop.Pause stalled = h.loop().pause()) {
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> h.feed(stream));
                assertThat(h.operator().queue().size()).isEqualTo(30 * BATCH);
            }
            h.await(() -> h.loop().trained() == 30 * BATCH, "the whole burst to be trained");
            assertThat(h.operator().queue().dropped()).isZero();
            assertThat(h.operator().fractionTrained()).isEqualTo(1.0);
        }
    }

    @Test
    void aCheckpointDuringABurstKeepsTheNextQueueCapacityWaitingInArrivalOrderAndCountsTheRestDropped()
            throws Exception {
        List<TrainingExample> stream = walks(6 * BATCH, 100, 6);
        TrainerOperatorConfig cfg = config().set(OnlineLearner.Policy.QUEUE_CAPACITY, BATCH)
                .set(OnlineLearner.Policy.BACKLOG_CAPACITY, 8 * BATCH)
                .build();
        try (TrainerHarness h = TrainerHarness.open(cfg, null)) {
            FrozenState frozen;
            try (TrainingLoop.Pause paused = h.loop().pause()) {
                h.feed(stream); // a batch in memory, five serialised behind it
                // half the in-memory batch taken, as the training thread takes it: what waits is then half a batch in
                // memory followed by the serialised rest, and a checkpoint's next queue-capacity spans both
                assertThat(h.operator().queue().poll(BATCH / 2)).hasSize(BATCH / 2);
                frozen = TrainerState.freeze(
                        h.operator().state(), 1_000, h.loop().probeLossAtPause());
            }
            assertThat(frozen.size())
                    .as("the counted length the checkpoint's serializer writes before streaming the state")
                    .isEqualTo(frozen.toBytes().length);
            TrainerState restored = TrainerState.restore(frozen.toBytes(), cfg, 1_000);
            try {
                assertThat(restored.learner.queue().contents())
                        .as("the next queue-capacity examples waiting, in arrival order, from memory and backlog")
                        .map(TrainingExample::toString)
                        .containsExactlyElementsOf(stream.subList(BATCH / 2, BATCH / 2 + BATCH).stream()
                                .map(TrainingExample::toString)
                                .toList());
                assertThat(restored.learner.queue().seen()).isEqualTo(6 * BATCH);
                assertThat(restored.learner.queue().dropped())
                        .as("the backlog beyond them counts as dropped")
                        .isEqualTo(6 * BATCH - BATCH / 2 - BATCH);
            } finally {
                restored.trainer().close();
            }
        }
    }

    @Test
    void aBatchWhoseLossIsNotFiniteIsDroppedCountedAndKeptOutOfTheLossFigure() throws Exception {
        List<TrainingExample> stream = walks(2 * BATCH, 100, 41);
        List<TrainingExample> poisoned = new ArrayList<>(stream.subList(BATCH, 2 * BATCH));
        TrainingExample bad = poisoned.get(0);
        poisoned.set(
                0,
                TrainingExample.newBuilder(bad)
                        .setTarget(Behavior.newBuilder(bad.getTarget())
                                .setWeight(Double.NaN)
                                .build())
                        .build());
        try (TrainerHarness h = TrainerHarness.open(config().build(), null)) {
            h.newUpdates();
            h.feedAndTrain(stream.subList(0, BATCH), BATCH);
            h.feed(poisoned);
            h.await(() -> h.loop().skippedSteps() == 1, "the batch with a NaN reward to be dropped");
            assertThat(h.loop().trained()).as("a dropped batch is not trained").isEqualTo(BATCH);
            assertThat(h.operator().figures().loss()).isFinite();
            assertThat(h.operator().probe().latest()).isFinite();
        }
    }

    @Test
    void restoreContinuesVersionsWithIdenticalWeightsEstimatorAndQueue() throws Exception {
        List<TrainingExample> stream = walks(30 * BATCH, 100, 5);
        List<TrainingExample> probe = walks(BATCH, 100, 99);
        TrainerOperatorConfig cfg =
                config().set(TrainerOperatorConfig.METRIC_WINDOW, BATCH).build(); // loss figure = the last batch's loss
        OperatorSubtaskState snapshot;
        List<Ranking> rankedBefore;
        float probeLossBefore;
        float firstLoss;
        List<TrainingExample> probeBatch;
        double initialProbeLoss;
        double probeLossAtCheckpoint;
        try (TrainerHarness h = TrainerHarness.open(cfg, null)) {
            h.newUpdates();
            assertThat(h.operator().probe().initial())
                    .as("no probe before the first step")
                    .isNaN();
            h.feedAndTrain(stream.subList(0, BATCH), BATCH);
            firstLoss = (float) h.operator().figures().loss();
            for (int from = BATCH; from < stream.size(); from += BATCH) {
                h.feedAndTrain(stream.subList(from, from + BATCH), from + BATCH);
            }
            assertThat(h.advanceTo(10_000, 1).get(0).getVersion()).isEqualTo(2);
            h.feed(stream.subList(0, 10)); // fewer than a batch: queued, not trained
            snapshot = h.harness.snapshot(1, 10_000);
            try (TrainingLoop.Pause paused = h.loop().pause()) {
                probeBatch = h.operator().probe().examples();
                initialProbeLoss = h.operator().probe().initial();
                probeLossAtCheckpoint = h.operator().probe().latest();
                rankedBefore = h.operator().trainer().score(probe, 50);
                probeLossBefore = h.operator().trainer().step(probe);
            }
        }
        try (TrainerHarness h = TrainerHarness.open(cfg, snapshot)) {
            List<ModelUpdate> first = h.newUpdates();
            long restartVersion = first.get(0).getVersion();
            assertThat(first).allSatisfy(u -> assertThat(u.getKind()).isEqualTo(UpdateKind.FULL));
            assertThat(restartVersion)
                    .as("past any version the lost run may have published")
                    .isGreaterThan(2 + TrainerState.RESTORE_SLACK);
            assertThat(h.operator().queue().size()).isEqualTo(10);
            assertThat(h.operator().queue().seen()).isEqualTo(stream.size() + 10);
            assertThat(h.loop().trained()).isEqualTo(stream.size());
            ProbeLoss restoredProbe = h.operator().probe();
            assertThat(restoredProbe.examples())
                    .as("the probe is the first trained batch, kept across the restore")
                    .hasSize(BATCH)
                    .isEqualTo(probeBatch);
            assertThat(restoredProbe.initial()).isEqualTo(initialProbeLoss);
            assertThat(restoredProbe.atCheckpoint())
                    .as("the loss measured as the checkpoint was taken")
                    .isEqualTo(probeLossAtCheckpoint);
            assertThat(restoredProbe.atRestore())
                    .as("measured again on the restored weights and estimator")
                    .isCloseTo(restoredProbe.atCheckpoint(), within(1e-5))
                    .isLessThan(0.8 * restoredProbe.initial());
            try (TrainingLoop.Pause paused = h.loop().pause()) {
                assertThat(h.operator().trainer().score(probe, 50))
                        .as("same weights, same rankings")
                        .isEqualTo(rankedBefore);
                // the loss before the update depends on the weights and on the estimator's logQ correction
                assertThat(h.operator().trainer().step(probe)).isCloseTo(probeLossBefore, within(1e-5f));
            }
            h.feedAndTrain(stream.subList(0, BATCH - 10), stream.size() + BATCH);
            assertThat(h.operator().figures().loss())
                    .as("the loss does not restart from its initial level")
                    .isLessThan(0.8 * firstLoss);
            List<ModelUpdate> delta = h.advanceTo(10_000, 1);
            assertThat(delta.get(0).getKind()).isEqualTo(UpdateKind.DELTA);
            assertThat(delta.get(0).getBaseVersion()).isEqualTo(restartVersion);
            assertThat(delta.get(0).getVersion()).isEqualTo(restartVersion + 1);
        }
    }

    @Test
    void aCheckpointCopiesTheTrainerUnderThePauseAndIsWrittenLaterWhileTrainingGoesOn() throws Exception {
        List<TrainingExample> stream = walks(20 * BATCH, 100, 7);
        List<TrainingExample> probe = walks(BATCH, 100, 98);
        TrainerOperatorConfig cfg = config().build();
        try (TrainerHarness h = TrainerHarness.open(cfg, null)) {
            for (int from = 0; from < 10 * BATCH; from += BATCH) {
                h.feedAndTrain(stream.subList(from, from + BATCH), from + BATCH);
            }
            h.feed(stream.subList(10 * BATCH, 10 * BATCH + 5)); // fewer than a batch: queued at the checkpoint
            FrozenState frozen;
            List<Ranking> rankedAtPause;
            byte[] estimatorAtPause;
            CompletableFuture<Double> probeLoss;
            long scoredAtPause;
            try (TrainingLoop.Pause paused = h.loop().pause()) {
                scoredAtPause = h.operator().totals().scored();
                rankedAtPause = h.operator().trainer().score(probe, 50);
                estimatorAtPause = h.operator().trainer().frequencyEstimator().toBytes();
                probeLoss = h.loop().probeLossAtPause();
                frozen = TrainerState.freeze(h.operator().state(), 1_000, probeLoss);
            }
            // the training thread measures the probe on the weights of the pause before its next step
            assertThat(probeLoss.get(60, TimeUnit.SECONDS)).isFinite();
            h.feedAndTrain(stream.subList(10 * BATCH + 5, 20 * BATCH), 20 * BATCH);
            try (TrainingLoop.Pause paused = h.loop().pause()) {
                assertThat(h.operator().trainer().frequencyEstimator().toBytes())
                        .as("training went on after the copy")
                        .isNotEqualTo(estimatorAtPause);
            }
            TrainerState restored = TrainerState.restore(frozen.toBytes(), cfg, 1_000);
            try {
                assertThat(restored.trainer().stepCount()).isEqualTo(10);
                assertThat(restored.learner.trained()).isEqualTo(10 * BATCH);
                assertThat(restored.learner.queue().size()).isEqualTo(5);
                assertThat(restored.learner.queue().seen()).isEqualTo(10 * BATCH + 5);
                assertThat(restored.trainer().frequencyEstimator().toBytes()).isEqualTo(estimatorAtPause);
                assertThat(scoredAtPause).isEqualTo(10 * BATCH);
                assertThat(restored.evaluator().totals().scored())
                        .as("the evaluator of the pause, not the one that scored on")
                        .isEqualTo(scoredAtPause)
                        .isLessThan(h.operator().totals().scored());
                assertThat(restored.trainer().score(probe, 50))
                        .as("the weights of the pause, not those trained since")
                        .isEqualTo(rankedAtPause);
                assertThat(restored.probe.atCheckpoint()).isEqualTo(probeLoss.get());
                assertThat(restored.probe.atRestore()).isCloseTo(probeLoss.get(), within(1e-5));
            } finally {
                restored.trainer().close();
            }
        }
    }

    @Test
    void restoreBringsBackTheFrequencyEstimatorArraysBitForBit() throws Exception {
        List<TrainingExample> stream = walks(20 * BATCH, 100, 31);
        List<String> items = IntStream.range(0, 100).mapToObj(i -> "i" + i).toList();
        TrainerOperatorConfig cfg = config().build();
        OperatorSubtaskState snapshot;
        byte[] estimatorAtCheckpoint;
        double[] estimatesAtCheckpoint;
        try (TrainerHarness h = TrainerHarness.open(cfg, null)) {
            for (int from = 0; from < stream.size(); from += BATCH) {
                h.feedAndTrain(stream.subList(from, from + BATCH), from + BATCH);
            }
            snapshot = h.harness.snapshot(1, 1);
            try (TrainingLoop.Pause paused = h.loop().pause()) {
                StreamingFrequencyEstimator estimator = h.operator().trainer().frequencyEstimator();
                estimatorAtCheckpoint = estimator.toBytes();
                estimatesAtCheckpoint =
                        items.stream().mapToDouble(estimator::probability).toArray();
                assertThat(estimator.step())
                        .as("one estimator step per training step")
                        .isEqualTo(20);
            }
        }
        // an unseen item's estimate is 1/t = 1/20; these 100 items, 32 targets a batch, come about 0.3 times a batch
        assertThat(java.util.Arrays.stream(estimatesAtCheckpoint).average().orElseThrow())
                .as("the estimator learned something to restore")
                .isGreaterThan(0.2);
        try (TrainerHarness h = TrainerHarness.open(cfg, snapshot)) {
            try (TrainingLoop.Pause paused = h.loop().pause()) {
                StreamingFrequencyEstimator restored = h.operator().trainer().frequencyEstimator();
                assertThat(restored.toBytes())
                        .as("A, B and t as at the checkpoint")
                        .isEqualTo(estimatorAtCheckpoint);
                assertThat(items.stream().mapToDouble(restored::probability).toArray())
                        .isEqualTo(estimatesAtCheckpoint);
            }
        }
    }

    @Test
    void prequentialHitRateBeatsPopularityOnAStreamWithPlantedSequences() throws Exception {
        List<TrainingExample> stream = walks(100 * BATCH, 200, 11);
        // a queue that holds the whole stream: every example is trained, none sampled away
        try (TrainerHarness h = TrainerHarness.open(
                config().set(OnlineLearner.Policy.QUEUE_CAPACITY, stream.size()).build(), null)) {
            h.feedAndTrain(stream, stream.size());
            PrequentialEvaluator.Figures f = h.operator().figures();
            assertThat(f.examples()).isEqualTo(1000);
            assertThat(f.popularityHr50())
                    .as("uniform targets: about 50 of 200")
                    .isBetween(0.15, 0.35);
            assertThat(f.hr50())
                    .as("model HR@50 vs popularity HR@50 on the same examples: %s", f)
                    .isGreaterThan(f.popularityHr50() + 0.25);
            assertThat(f.hr10()).isLessThanOrEqualTo(f.hr50());
        }
    }

    @Test
    void learnsFromTheFirstExamplesWithoutWaitingForAFullBatch() throws Exception {
        try (TrainerHarness h = TrainerHarness.open(
                config().set(OnlineLearner.Policy.MAX_BATCH_DELAY, Duration.ofMillis(20))
                        .build(),
                null)) {
            h.newUpdates();
            // five examples, far fewer than a batch, and no end of input: trained once they have waited 20 ms
            h.feedAndTrain(walks(5, 50, 17), 5);
            assertThat(h.operator().totals().scored()).isEqualTo(5);
            assertThat(h.operator().queue().size()).isZero();
            assertThat(h.advanceTo(10_000, 1).get(0).getKind())
                    .as("and published")
                    .isEqualTo(UpdateKind.DELTA);
        }
    }

    @Test
    void aTrainerWithRoomReplaysRecentExamplesMixingOtherUsersIntoABurst() throws Exception {
        List<TrainingExample> stream = bursts(16, 16, 500, 21); // one user per half batch in arrival order
        try (TrainerHarness h = TrainerHarness.open(
                config().set(OnlineLearner.Policy.QUEUE_CAPACITY, stream.size())
                        .set(OnlineLearner.Policy.MAX_BATCH_DELAY, Duration.ZERO)
                        .set(OnlineLearner.Policy.REPLAY_RATIO, 1.0)
                        .build(),
                null)) {
            for (int from = 0; from < stream.size(); from += BATCH / 2) {
                h.feedAndTrain(stream.subList(from, from + BATCH / 2), from + BATCH / 2);
            }
            assertThat(h.operator().totals().scored())
                    .as("each example scored exactly once")
                    .isEqualTo(stream.size());
            assertThat(h.loop().trained()).as("and trained fresh exactly once").isEqualTo(stream.size());
            OnlineLearner learner = h.loop().learner();
            assertThat(learner.replayed())
                    .as("every step after the first filled up with as many replays as fresh examples")
                    .isBetween((long) stream.size() - BATCH, (long) stream.size());
            assertThat(h.loop().usersPerBatch()).as("users per trained batch").isGreaterThan(1.5);
        }
        try (TrainerHarness h = TrainerHarness.open(
                config().set(OnlineLearner.Policy.QUEUE_CAPACITY, stream.size())
                        .set(OnlineLearner.Policy.MAX_BATCH_DELAY, Duration.ZERO)
                        .build(),
                null)) {
            for (int from = 0; from < stream.size(); from += BATCH / 2) {
                h.feedAndTrain(stream.subList(from, from + BATCH / 2), from + BATCH / 2);
            }
            assertThat(h.loop().learner().replayed()).isZero();
            assertThat(h.loop().usersPerBatch()).as("without replay").isEqualTo(1.0);
        }
    }

    @Test
    void scoringKeepsWithinItsShareOfTheTrainingThreadSkippingWholeRounds() throws Exception {
        List<TrainingExample> stream = walks(40 * BATCH, 100, 19);
        try (TrainerHarness h = TrainerHarness.open(
                config().set(OnlineLearner.Policy.QUEUE_CAPACITY, stream.size())
                        .set(TrainerOperatorConfig.MAX_SCORE_SHARE, 0.05)
                        .build(),
                null)) {
            h.feedAndTrain(stream, stream.size());
            long scored = h.operator().totals().scored();
            assertThat(scored)
                    .as("whole rounds, never part of one")
                    .isEqualTo(h.loop().scoredRounds() * BATCH);
            assertThat(h.loop().unscoredRounds()).isPositive();
            assertThat(h.loop().scoredRounds() + h.loop().unscoredRounds()).isEqualTo(40);
            assertThat(h.loop().phaseMillis(TrainingLoop.Phase.SCORE))
                    .as("about 5 %% of the rounds' time")
                    .isLessThanOrEqualTo((long) (0.05 * h.loop().phaseMillis(TrainingLoop.Phase.ROUNDS)) + 200);
        }
    }

    @Test
    void endOfInputTrainsTheLastPartialBatchAndPublishesAFinalDelta() throws Exception {
        try (TrainerHarness h = TrainerHarness.open(config().build(), null)) {
            h.newUpdates();
            h.feed(walks(BATCH + 8, 50, 13));
            h.harness.endInput();
            assertThat(h.loop().trained()).isEqualTo(BATCH + 8);
            List<ModelUpdate> last = h.newUpdates();
            assertThat(last).isNotEmpty().allSatisfy(u -> {
                assertThat(u.getKind()).isEqualTo(UpdateKind.DELTA);
                assertThat(u.getVersion()).isEqualTo(2);
            });
        }
    }
}
