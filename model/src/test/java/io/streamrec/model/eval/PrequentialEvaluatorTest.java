package io.streamrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.model.eval.PrequentialEvaluator.Scorer;
import io.streamrec.model.train.Ranking;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.TrainingExample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrequentialEvaluatorTest {

    private static Ranking rank(int r) {
        return new Ranking(List.of(), r);
    }

    private static TrainingExample example(String user, List<String> session, String target) {
        List<Behavior> behaviours = new ArrayList<>();
        for (String item : session) {
            behaviours.add(behaviour(item));
        }
        return new TrainingExample(
                FeatureSnapshot.newBuilder()
                        .setUserId(user)
                        .setEventId("")
                        .setEventTime(0)
                        .setSession(behaviours)
                        .setLongTerm(LongTermFeatures.newBuilder().build())
                        .setSessionStart(0)
                        .build(),
                behaviour(target));
    }

    private static Behavior behaviour(String item) {
        return Behavior.newBuilder()
                .setEventId(item)
                .setItemId(item)
                .setEventType("view")
                .setTimestamp(0)
                .setWeight(1)
                .build();
    }

    private static PrequentialEvaluator evaluator(int window, boolean excludeSeen) {
        return new PrequentialEvaluator(new PrequentialEvaluator.Settings(window, 100, 0.5, 50, excludeSeen), 2);
    }

    @Test
    void modelAndBaselinesAreScoredOnTheSameExamplesBeforeTheyLearnThem() {
        PrequentialEvaluator evaluator = evaluator(100, false);
        // popularity learns p twice and q once; ItemCF learns that after a comes b
        List<TrainingExample> history = List.of(
                example("u1", List.of(), "p"),
                example("u2", List.of(), "p"),
                example("u3", List.of(), "q"),
                example("u4", List.of("a"), "b"),
                example("u5", List.of("a"), "b"));
        evaluator.learn(history);
        List<TrainingExample> scored =
                List.of(example("u6", List.of(), "p"), example("u7", List.of("a"), "b"), example("u8", List.of(), "y"));
        evaluator.score(scored, List.of(rank(1), rank(3), rank(20)), evaluator.exclusions(scored));

        PrequentialEvaluator.Figures f = evaluator.figures();
        assertThat(f.examples()).isEqualTo(3);
        assertThat(f.hr10()).isEqualTo(2.0 / 3);
        assertThat(f.hr50()).isEqualTo(1.0);
        // rank 1 → 1, rank 3 → 1/log2(4) = 0.5, rank 20 → 1/log2(21) only within 50
        assertThat(f.ndcg10()).isCloseTo((1 + 0.5) / 3, within(1e-12));
        assertThat(f.ndcg50()).isCloseTo((1 + 0.5 + 1 / (Math.log(21) / Math.log(2))) / 3, within(1e-12));
        // popularity ranks p, b, q, ...: it hits p and b but not y
        assertThat(f.popularityHr50()).isCloseTo(2.0 / 3, within(1e-12));
        // ItemCF: b for u7 (after a), the popularity fallback for the others: p hit, y missed
        assertThat(f.itemCfHr50()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(evaluator.totals().hits50(Scorer.MODEL)).isEqualTo(3);
        assertThat(f.loss()).isNaN();
    }

    @Test
    void seenItemsAreLeftOutOfTheBaselinesWhenExcluded() {
        PrequentialEvaluator excluding = evaluator(100, true);
        PrequentialEvaluator repeating = evaluator(100, false);
        List<TrainingExample> history = List.of(example("u1", List.of(), "p"), example("u2", List.of(), "p"));
        excluding.learn(history);
        repeating.learn(history);
        // u3 already took p: only a ranking that may repeat it can hit it
        List<TrainingExample> scored = List.of(example("u3", List.of("p"), "p"));
        assertThat(excluding.exclusions(scored)).containsExactly(Set.of("p"));
        assertThat(repeating.exclusions(scored)).containsExactly(Set.of());
        excluding.score(scored, List.of(rank(Ranking.UNRANKED)), excluding.exclusions(scored));
        repeating.score(scored, List.of(rank(Ranking.UNRANKED)), repeating.exclusions(scored));
        assertThat(excluding.figures().popularityHr50()).isZero();
        assertThat(repeating.figures().popularityHr50()).isEqualTo(1.0);
    }

    @Test
    void theSecondHalfCountsOnlyTheLaterExamples() {
        PrequentialEvaluator evaluator = evaluator(10, false);
        // 1,000 examples: the model misses the first half and hits every one of the second
        for (int i = 0; i < 1000; i += 10) {
            List<TrainingExample> batch = new ArrayList<>();
            List<Ranking> ranks = new ArrayList<>();
            for (int j = 0; j < 10; j++) {
                batch.add(example("u" + j, List.of(), "i" + (i + j)));
                ranks.add(rank(i < 500 ? Ranking.UNRANKED : 1));
            }
            evaluator.score(batch, ranks, evaluator.exclusions(batch));
        }
        PrequentialEvaluator.Totals half = evaluator.secondHalf();
        assertThat(half.scored()).isEqualTo(500);
        assertThat(half.hr(Scorer.MODEL, 50)).isEqualTo(1.0);
        assertThat(evaluator.totals().hr(Scorer.MODEL, 50)).isEqualTo(0.5);
    }

    @Test
    void rollsOverTheLastWindowAndReadsBackTheSame() throws Exception {
        PrequentialEvaluator evaluator = evaluator(2, false);
        List<TrainingExample> batch =
                List.of(example("u1", List.of(), "a"), example("u2", List.of(), "b"), example("u3", List.of(), "c"));
        evaluator.score(batch, List.of(rank(1), rank(1), rank(Ranking.UNRANKED)), evaluator.exclusions(batch));
        evaluator.learn(batch);
        evaluator.recordLoss(4f);
        evaluator.recordLoss(2f);
        assertThat(evaluator.figures().hr10()).as("only the last two examples").isEqualTo(0.5);
        assertThat(evaluator.figures().loss()).as("the last two steps").isEqualTo(3.0);
        assertThat(evaluator.totals().scored()).as("totals count every example").isEqualTo(3);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        evaluator.writeTo(new DataOutputStream(bytes));
        PrequentialEvaluator restored = evaluator(2, false);
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(restored.figures()).isEqualTo(evaluator.figures());
        assertThat(restored.totals().sums()).containsExactly(evaluator.totals().sums());
        // the baselines came back too: both rank the same next example alike
        List<TrainingExample> next = List.of(example("u4", List.of("a"), "b"));
        evaluator.score(next, List.of(rank(1)), evaluator.exclusions(next));
        restored.score(next, List.of(rank(1)), restored.exclusions(next));
        assertThat(restored.totals().sums()).containsExactly(evaluator.totals().sums());
    }
}
