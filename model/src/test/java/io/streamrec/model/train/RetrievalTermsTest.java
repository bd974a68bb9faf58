package io.streamrec.model.train;

import static io.streamrec.model.train.TrainingFixtures.behavior;
import static io.streamrec.model.train.TrainingFixtures.clustered;
import static io.streamrec.model.train.TrainingFixtures.example;
import static io.streamrec.model.train.TrainingFixtures.smallConfig;
import static io.streamrec.model.train.TrainingFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.history.SeenItems;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The trainer's retrieval terms and the shortcuts of its step: bucketing, fused scoring, masks, repeat score. */
class RetrievalTermsTest {

    private static final int ITEMS = 60;
    private static final int CLUSTERS = 6;

    private static List<Set<String>> seen(List<TrainingExample> examples) {
        return examples.stream().map(e -> SeenItems.of(e.getContext())).toList();
    }

    @Test
    void aStepRanksItsFreshExamplesAsAScoreWithTheWeightsBeforeItsUpdateWould() {
        List<TrainingExample> stream = clustered(6 * 32, ITEMS, CLUSTERS, 11);
        TrainerConfig config = smallConfig()
                .set(TrainerOptions.BATCH_SIZE, 32)
                .set(TrainerOptions.POPULARITY_PRIOR, 0.5)
                .build();
        try (OnlineTrainer trainer = new OnlineTrainer(config, Encoders.factory("sdm", Map.of()))) {
            for (int s = 0; s < 5; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }
            List<TrainingExample> batch = stream.subList(5 * 32, 6 * 32);
            List<TrainingExample> fresh = batch.subList(0, 12);
            trainer.admit(batch);
            List<Ranking> separately = trainer.score(fresh, 50, seen(fresh));
            OnlineTrainer.StepResult fused = trainer.step(batch, List.of(), 12, seen(fresh));
            assertThat(fused.rankings())
                    .extracting(Ranking::targetRank)
                    .containsExactlyElementsOf(
                            separately.stream().map(Ranking::targetRank).toList());
            assertThat(trainer.score(fresh, 50, seen(fresh)))
                    .as("the step did move the weights afterwards")
                    .isNotEqualTo(separately);
        }
    }

    @Test
    void bucketsOfSimilarSessionLengthTrainAsOnePaddedBatch() {
        List<TrainingExample> stream = clustered(5 * 32, ITEMS, CLUSTERS, 12);
        TrainerConfig config = smallConfig().set(TrainerOptions.BATCH_SIZE, 32).build();
        try (OnlineTrainer bucketed = new OnlineTrainer(config, Encoders.factory("sdm", Map.of()));
                OnlineTrainer padded = new OnlineTrainer(config, Encoders.factory("sdm", Map.of()))) {
            bucketed.bucketing = new SessionBuckets(0, 0); // a bucket per distinct length
            padded.bucketing = SessionBuckets.NONE;
            for (int s = 0; s < 5; s++) {
                List<TrainingExample> batch = stream.subList(s * 32, (s + 1) * 32);
                assertThat(bucketed.step(batch)).isCloseTo(padded.step(batch), within(2e-4f));
            }
            List<TrainingExample> probe = stream.subList(0, 16);
            assertThat(bucketed.score(probe, 10))
                    .extracting(Ranking::targetRank)
                    .containsExactlyElementsOf(padded.score(probe, 10).stream()
                            .map(Ranking::targetRank)
                            .toList());
        }
    }

    @Test
    void theLongTermBranchRunOncePerDistinctHistoryTrainsAsEveryRowRunningIt() {
        // long-term histories of 0-3 items and two profiles: many rows of a batch share theirs
        List<TrainingExample> stream = clustered(6 * 32, ITEMS, CLUSTERS, 13);
        TrainerConfig config = smallConfig().set(TrainerOptions.BATCH_SIZE, 32).build();
        try (OnlineTrainer shared = new OnlineTrainer(config, Encoders.factory("sdm", Map.of()));
                OnlineTrainer everyRow = new OnlineTrainer(config, Encoders.factory("sdm", Map.of()))) {
            everyRow.shareLongTerm = false;
            for (int s = 0; s < 5; s++) {
                List<TrainingExample> batch = stream.subList(s * 32, (s + 1) * 32);
                assertThat(shared.step(batch))
                        .as("step %d: the same loss, and the same gradients before it", s)
                        .isCloseTo(everyRow.step(batch), within(2e-4f));
            }
            List<TrainingExample> probe = stream.subList(5 * 32, 6 * 32);
            assertThat(shared.score(probe, 10))
                    .extracting(Ranking::targetRank)
                    .containsExactlyElementsOf(everyRow.score(probe, 10).stream()
                            .map(Ranking::targetRank)
                            .toList());
        }
    }

    @Test
    void aLargePopularityPriorRanksByTheEstimatorsFrequencies() {
        Random random = new Random(5);
        List<TrainingExample> stream = new ArrayList<>();
        for (int n = 0; n < 8 * 32; n++) {
            // target i_k with probability falling in k: a clear frequency order
            String target = "i" + (int) Math.floor(Math.pow(random.nextDouble(), 3) * 30);
            stream.add(example(
                    snapshot("u" + n % 40, List.of(behavior("i" + random.nextInt(30), "c1", n)), List.of(), Map.of()),
                    behavior(target, "c1", n + 1)));
        }
        try (OnlineTrainer trainer = new OnlineTrainer(
                smallConfig()
                        .set(TrainerOptions.BATCH_SIZE, 32)
                        .set(TrainerOptions.POPULARITY_PRIOR, 1000.0)
                        .build(),
                MeanPoolEncoder.factory(16))) {
            for (int s = 0; s < 8; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }
            var estimator = trainer.frequencyEstimator();
            List<String> byFrequency =
                    trainer
                            .model()
                            .embeddings()
                            .table(io.streamrec.model.Feature.ITEM)
                            .vocabulary()
                            .idsColdestFirst()
                            .stream()
                            .sorted(java.util.Comparator.comparingDouble(id -> -estimator.probability(id)))
                            .limit(5)
                            .toList();
            assertThat(trainer.score(stream.subList(0, 1), 5).get(0).topIds())
                    .as("β·log p̂ dominates the cosine/τ")
                    .containsExactlyElementsOf(byFrequency);
        }
    }

    @Test
    void sameUserTargetsAndSeenItemsAreNotNegatives() {
        List<TrainingExample> batch = List.of(
                example(snapshot("u1", List.of(behavior("a", null, 1)), List.of(), Map.of()), behavior("b", null, 2)),
                example(snapshot("u1", List.of(behavior("b", null, 2)), List.of(), Map.of()), behavior("c", null, 3)),
                example(snapshot("u2", List.of(behavior("c", null, 1)), List.of(), Map.of()), behavior("a", null, 2)));
        List<String> targets = List.of("b", "c", "a");
        ColumnRules both =
                ColumnRules.of(batch, targets, List.of("c"), smallConfig().build(), false);
        try (NDManager manager = NDManager.newBaseManager()) {
            boolean[] mask = both.notNegative(manager).toBooleanArray();
            // rows: examples; columns: targets b, c, a, then the extra negative c
            assertThat(mask)
                    .containsExactly(
                            false, true, true, false, // u1 row 0: c is u1's other target, a already taken
                            true, false, false, false, // u1 row 1: b is u1's other target and already taken
                            false, true, false, true); // u2: c already taken, as an in-batch target and as an extra
            ColumnRules none = ColumnRules.of(
                    batch,
                    targets,
                    List.of("c"),
                    smallConfig()
                            .set(TrainerOptions.MASK_SAME_USER, false)
                            .set(TrainerOptions.EXCLUDE_SEEN, false)
                            .build(),
                    false);
            assertThat(none.notNegative(manager)).isNull();
        }
    }

    @Test
    void theRepeatScoreLearnsThatUsersReturnToWhatTheyJustTook() {
        Random random = new Random(9);
        List<TrainingExample> stream = new ArrayList<>();
        for (int n = 0; n < 30 * 32; n++) {
            List<Behavior> session = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                session.add(behavior("i" + random.nextInt(200), "c1", 10L * n + t));
            }
            // two thirds of the time the user goes back to the item they took last
            String target = random.nextInt(3) < 2 ? session.get(3).getItemId() : "i" + random.nextInt(200);
            stream.add(example(snapshot("u" + n, session, List.of(), Map.of()), behavior(target, "c1", 10L * n + 5)));
        }
        TrainerConfig repeats = smallConfig()
                .set(TrainerOptions.BATCH_SIZE, 32)
                .set(TrainerOptions.EXCLUDE_SEEN, false)
                .build();
        try (OnlineTrainer trainer = new OnlineTrainer(repeats, MeanPoolEncoder.factory(16))) {
            for (int s = 0; s < 30; s++) {
                trainer.step(stream.subList(s * 32, (s + 1) * 32));
            }
            float[] bonus = trainer.model().repeatScore().bonusByBucket();
            assertThat(bonus[0]).as("nothing for items not taken").isZero();
            assertThat(bonus[1]).as("the latest item").isGreaterThan(1f).isGreaterThan(bonus[3]);
            List<TrainingExample> probe = stream.subList(0, 200);
            List<Collection<String>> nothing = new ArrayList<>();
            probe.forEach(e -> nothing.add(Set.of()));
            long hits = trainer.score(probe, 1, nothing).stream()
                    .filter(r -> r.hitAt(1))
                    .count();
            assertThat(hits).as("the returns (about 2/3) are ranked first").isGreaterThan(100);
        }
        assertThat(new OnlineTrainer(smallConfig().build(), MeanPoolEncoder.factory(16))
                        .model()
                        .repeatScore())
                .as("no repeat score where seen items are excluded")
                .isNull();
    }

    @Test
    void recencyBucketsDoubleInWidth() {
        assertThat(List.of(0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 32, 33, 1000).stream()
                        .map(RepeatScore::bucket)
                        .toList())
                .containsExactly(0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    }
}
