package io.streamrec.model.train;

import static io.streamrec.model.train.TrainingFixtures.behavior;
import static io.streamrec.model.train.TrainingFixtures.clustered;
import static io.streamrec.model.train.TrainingFixtures.example;
import static io.streamrec.model.train.TrainingFixtures.smallConfig;
import static io.streamrec.model.train.TrainingFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.Feature;
import io.streamrec.model.FrozenState;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.TrainingExample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class OnlineTrainerTest {

    private static final int ITEMS = 200;
    private static final int CLUSTERS = 10;

    @Test
    void trainingMeanPoolOnPlantedClustersLowersTheLossAndLiftsHitRate() {
        List<TrainingExample> stream = clustered(300 * 32, ITEMS, CLUSTERS, 1);
        List<TrainingExample> heldOut = clustered(256, ITEMS, CLUSTERS, 2);
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(32))) {
            float first = 0;
            float last = 0;
            for (int s = 0; s < 300; s++) {
                float loss = trainer.step(stream.subList(s * 32, (s + 1) * 32));
                assertThat(loss).isFinite();
                if (s < 20) {
                    first += loss / 20;
                } else if (s >= 280) {
                    last += loss / 20;
                }
            }
            assertThat(last)
                    .as("mean loss of the last 20 steps vs the first 20")
                    .isLessThan(0.7f * first);
            // 20 items per cluster: a model that found the clusters hits @10 about half the time; chance is 10/200
            double hitRate =
                    trainer.score(heldOut, 10).stream().filter(r -> r.hitAt(10)).count() / (double) heldOut.size();
            assertThat(hitRate).isGreaterThan(0.3);
            assertThat(trainer.stepCount()).isEqualTo(300);
        }
    }

    @Test
    void newIdsEnterTheVocabulariesOnFirstSightAndColdTargetsAreUnranked() {
        TrainingExample known =
                example(snapshot("u1", List.of(behavior("a", "c1", 1)), List.of(), Map.of()), behavior("b", "c1", 2));
        TrainingExample cold =
                example(snapshot("u1", List.of(behavior("a", "c1", 1)), List.of(), Map.of()), behavior("new", "c9", 3));
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16))) {
            trainer.step(List.of(known));
            var items = trainer.model().embeddings().table(Feature.ITEM).vocabulary();
            assertThat(items.rowOf("a")).isPositive();
            assertThat(items.rowOf("b")).isPositive();
            assertThat(trainer.model()
                            .embeddings()
                            .table(Feature.CATEGORY)
                            .vocabulary()
                            .rowOf("c1"))
                    .isPositive();

            List<Ranking> rankings = trainer.score(List.of(known, cold), 5);
            assertThat(rankings.get(0).targetRank()).isBetween(1, 2);
            assertThat(rankings.get(0).topIds()).containsExactlyInAnyOrder("a", "b");
            assertThat(rankings.get(1).targetRank()).isEqualTo(Ranking.UNRANKED);
            assertThat(rankings.get(1).hitAt(5)).isFalse();
        }
    }

    @Test
    void aStepMovesOnlyTheEmbeddingRowsOfItsBatch() {
        TrainingExample first =
                example(snapshot("u1", List.of(behavior("a", "c1", 1)), List.of(), Map.of()), behavior("b", "c1", 2));
        TrainingExample second =
                example(snapshot("u2", List.of(behavior("x", "c2", 1)), List.of(), Map.of()), behavior("y", "c2", 2));
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16))) {
            trainer.step(List.of(first, second));
            var items = trainer.model().embeddings().table(Feature.ITEM);
            float[] bystander = items.valuesOf("x");
            float[] category =
                    trainer.model().embeddings().table(Feature.CATEGORY).valuesOf("c2");
            float[] trained = items.valuesOf("a");

            trainer.step(List.of(first, example(first.getContext(), behavior("c", "c1", 3))));

            assertThat(items.valuesOf("x")).containsExactly(bystander);
            assertThat(trainer.model().embeddings().table(Feature.CATEGORY).valuesOf("c2"))
                    .containsExactly(category);
            assertThat(items.valuesOf("a")).isNotEqualTo(trained);
            assertThat(items.table().changedAt(items.vocabulary().rowOf("x"))).isEqualTo(1);
            assertThat(items.table().changedAt(items.vocabulary().rowOf("a"))).isEqualTo(2);
        }
    }

    @Test
    void topIdsAgreeWithTheTargetRankAndExclusionsAreLeftOut() {
        List<TrainingExample> stream = clustered(20 * 32, ITEMS, CLUSTERS, 3);
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16))) {
            for (int s = 0; s < 20; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }
            List<TrainingExample> batch = stream.subList(0, 16);
            List<Ranking> plain = trainer.score(batch, ITEMS);
            for (int i = 0; i < batch.size(); i++) {
                Ranking r = plain.get(i);
                assertThat(r.topIds()).hasSize(ITEMS).doesNotHaveDuplicates();
                assertThat(r.topIds().indexOf(batch.get(i).getTarget().getItemId()) + 1)
                        .isEqualTo(r.targetRank());
            }
            String best = plain.get(0).topIds().get(0);
            String target = batch.get(0).getTarget().getItemId();
            List<Ranking> excluded =
                    trainer.score(batch.subList(0, 1), 10, List.of(new HashSet<>(List.of(best, target))));
            assertThat(excluded.get(0).topIds()).doesNotContain(best.equals(target) ? "none" : best);
            int expectedRank = plain.get(0).targetRank() - (best.equals(target) ? 0 : 1);
            assertThat(excluded.get(0).targetRank()).isEqualTo(expectedRank);
        }
    }

    @Test
    void aFrozenCopyWrittenAfterMoreStepsIsTheTrainerAsItWasWhenFrozen() throws Exception {
        List<TrainingExample> stream = clustered(20 * 32, ITEMS, CLUSTERS, 6);
        List<TrainingExample> probe = stream.subList(18 * 32, 19 * 32);
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16))) {
            for (int s = 0; s < 10; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }
            ByteArrayOutputStream atFreeze = new ByteArrayOutputStream();
            trainer.save(atFreeze);
            List<Ranking> rankedAtFreeze = trainer.score(probe, 20);
            FrozenState frozen = trainer.freeze();
            // weights, moments, vocabularies and the estimator all move after the copy was taken
            for (int s = 10; s < 18; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }
            ByteArrayOutputStream afterMoreSteps = new ByteArrayOutputStream();
            trainer.save(afterMoreSteps);
            assertThat(afterMoreSteps.toByteArray()).isNotEqualTo(atFreeze.toByteArray());
            assertThat(frozen.toBytes())
                    .as("written later, the copy is the trainer as it was when frozen")
                    .isEqualTo(atFreeze.toByteArray());
            try (OnlineTrainer restored =
                    OnlineTrainer.load(new ByteArrayInputStream(frozen.toBytes()), MeanPoolEncoder.factory(16))) {
                assertThat(restored.stepCount()).isEqualTo(10);
                assertThat(restored.score(probe, 20)).isEqualTo(rankedAtFreeze);
            }
        }
    }

    @Test
    void saveThenLoadGivesIdenticalScoresVersionsAndNextStep() throws Exception {
        List<TrainingExample> stream = clustered(12 * 32, ITEMS, CLUSTERS, 4);
        TrainerConfig config =
                smallConfig().set(TrainerOptions.MIXED_NEGATIVES, 8).build();
        try (OnlineTrainer trainer = new OnlineTrainer(config, MeanPoolEncoder.factory(16))) {
            for (int s = 0; s < 10; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }
            trainer.versions().next(trainer.stepCount());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            trainer.save(bytes);
            try (OnlineTrainer restored =
                    OnlineTrainer.load(new ByteArrayInputStream(bytes.toByteArray()), MeanPoolEncoder.factory(16))) {
                List<TrainingExample> probe = stream.subList(320, 352);
                assertThat(restored.score(probe, 20)).isEqualTo(trainer.score(probe, 20));
                assertThat(restored.versions().latest()).isEqualTo(1);
                assertThat(restored.stepCount()).isEqualTo(10);
                assertThat(restored.step(probe)).isEqualTo(trainer.step(probe));
                assertThat(restored.encode(List.of(probe.get(0).getContext()))
                                .get(0)
                                .vector())
                        .containsExactly(trainer.encode(List.of(probe.get(0).getContext()))
                                .get(0)
                                .vector());
                assertThat(restored.versions().next(11)).isEqualTo(2);
            }
        }
    }

    /** The streaming trainer steps for as long as the job runs, so a step must not leave arrays in the model's scope. */
    @Test
    void stepsLeaveNoArraysBehindInTheModelsManager() {
        List<TrainingExample> stream = clustered(4 * 32, ITEMS, CLUSTERS, 5);
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), Encoders.factory("sdm", Map.of()))) {
            trainer.step(stream.subList(0, 32));
            int afterFirstStep = trainer.model().manager().getManagedArrays().size();

            for (int s = 1; s < 4; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }

            assertThat(trainer.model().manager().getManagedArrays()).hasSize(afterFirstStep);
        }
    }

    @Test
    void aBatchWhoseLossIsNotFiniteChangesNoWeightAndTheNextBatchTrains() {
        List<TrainingExample> stream = clustered(2 * 32, ITEMS, CLUSTERS, 9);
        List<TrainingExample> first = stream.subList(0, 32);
        // no popularity prior: the estimator counts the poisoned batch's targets, and the ranking is to show the
        // weights alone
        try (OnlineTrainer trainer = new OnlineTrainer(
                smallConfig().set(TrainerOptions.POPULARITY_PRIOR, 0.0).build(), MeanPoolEncoder.factory(16))) {
            trainer.step(first);
            List<Ranking> rankedBefore = trainer.score(first, 20);
            // the same ids (nothing new enters a vocabulary), one reward NaN: the loss and every gradient are NaN
            List<TrainingExample> poisoned = new ArrayList<>(first);
            TrainingExample bad = poisoned.get(0);
            poisoned.set(
                    0,
                    TrainingExample.newBuilder(bad)
                            .setTarget(Behavior.newBuilder(bad.getTarget())
                                    .setWeight(Double.NaN)
                                    .build())
                            .build());

            assertThat(trainer.step(poisoned)).isNaN();
            assertThat(trainer.skippedSteps()).isEqualTo(1);
            // the frequency estimator still counted the batch's targets (they did occur in the stream); no weight moved
            assertThat(trainer.score(first, 20)).as("no weight moved").isEqualTo(rankedBefore);

            assertThat(trainer.step(stream.subList(32, 64)))
                    .as("the engine's gradients were cleared")
                    .isFinite();
            assertThat(trainer.skippedSteps()).isEqualTo(1);
            assertThat(trainer.score(first, 20))
                    .as("the next batch moved the weights")
                    .isNotEqualTo(rankedBefore);
            assertThat(trainer.probeLoss(first)).isFinite();
        }
    }

    @Test
    void aDivergedModelWhoseScoresAreNaNRanksEveryTargetLast() {
        List<TrainingExample> stream = clustered(4 * 32, ITEMS, CLUSTERS, 8);
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16))) {
            trainer.step(stream.subList(0, 32));
            var items = trainer.model().embeddings().table(Feature.ITEM);
            float[] nan = new float[items.dim()];
            java.util.Arrays.fill(nan, Float.NaN);
            for (int row = 1; row < items.vocabulary().rowBound(); row++) {
                items.table().write(row, nan, 0, trainer.stepCount());
            }
            List<Ranking> rankings = trainer.score(stream.subList(0, 32), 50);
            assertThat(rankings).as("NaN scores never count as hits").noneMatch(r -> r.hitAt(50));
            int known = trainer.model().itemRows().length;
            assertThat(rankings)
                    .filteredOn(r -> r.targetRank() != Ranking.UNRANKED)
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.targetRank()).isEqualTo(known));
        }
    }

    @Test
    void probeLossChangesNothingAndFallsAsTheModelLearns() throws Exception {
        List<TrainingExample> stream = clustered(200 * 32, ITEMS, CLUSTERS, 5);
        List<TrainingExample> probe = stream.subList(0, 32);
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(32))) {
            trainer.step(probe);
            float initial = trainer.probeLoss(probe);
            var items = trainer.model().embeddings().table(Feature.ITEM).vocabulary();
            int itemsBefore = items.size();
            double logQBefore = trainer.frequencyEstimator()
                    .logProbability(probe.get(0).getTarget().getItemId());
            List<TrainingExample> unseen = clustered(32, ITEMS * 2, CLUSTERS, 6);

            assertThat(trainer.probeLoss(unseen)).isFinite();
            assertThat(trainer.probeLoss(probe))
                    .as("probing twice gives the same loss")
                    .isEqualTo(initial);
            assertThat(items.size()).as("probing admits no id").isEqualTo(itemsBefore);
            assertThat(trainer.frequencyEstimator()
                            .logProbability(probe.get(0).getTarget().getItemId()))
                    .as("probing leaves the estimator as it was")
                    .isEqualTo(logQBefore);
            assertThat(trainer.stepCount()).isEqualTo(1);

            for (int s = 1; s < 200; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }
            float trained = trainer.probeLoss(probe);
            assertThat(trained)
                    .as("probe loss after 200 steps vs after the first")
                    .isLessThan(0.8f * initial);

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            trainer.save(bytes);
            try (OnlineTrainer restored = OnlineTrainer.load(
                            new ByteArrayInputStream(bytes.toByteArray()), MeanPoolEncoder.factory(32));
                    OnlineTrainer fresh = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(32))) {
                assertThat(restored.probeLoss(probe))
                        .as("a restored trainer probes as the saved one")
                        .isEqualTo(trained);
                fresh.step(probe);
                assertThat(fresh.probeLoss(probe))
                        .as("a fresh trainer probes near the initial level")
                        .isCloseTo(initial, Offset.offset(0.1f * initial));
            }
        }
    }

    @Test
    void loadingWithAnotherEncoderSaysWhichOneWasSaved() throws Exception {
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            trainer.save(bytes);
            assertThatThrownBy(() -> OnlineTrainer.load(
                            new ByteArrayInputStream(bytes.toByteArray()), MeanPoolEncoder.factory(32)))
                    .hasMessageContaining("shape");
        }
    }

    @Test
    void encodeGivesAUnitVectorForAHistoryAndAFiniteOneForAnEmptyContext() {
        try (OnlineTrainer trainer = new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16))) {
            trainer.step(List.of(example(
                    snapshot("u2", List.of(behavior("x", null, 1)), List.of("y"), Map.of()), behavior("z", null, 2))));
            List<EncodedUser> users = trainer.encode(List.of(
                    snapshot("u1", List.of(), List.of(), Map.of()),
                    snapshot("u2", List.of(behavior("x", null, 1)), List.of("y"), Map.of())));
            assertThat(users).hasSize(2);
            assertThat(users.get(0).interests()).hasDimensions(1, 20);
            for (float x : users.get(0).vector()) {
                assertThat(x).isFinite();
            }
            double norm = 0;
            for (float x : users.get(1).vector()) {
                norm += x * x;
            }
            assertThat(norm).isCloseTo(1.0, Offset.offset(1e-4));
        }
    }
}
