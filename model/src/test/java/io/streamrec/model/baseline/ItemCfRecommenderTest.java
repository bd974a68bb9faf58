package io.streamrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.model.eval.EvaluationData;
import io.streamrec.model.eval.Examples;
import io.streamrec.model.eval.TrainingProgress;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ItemCfRecommenderTest {

    // N(u1) = {a, b}, N(u2) = {a, b, c}, N(u3) = {b, c}; N(a) = 2 users, N(b) = 3, N(c) = 2, N(d) = 1
    private static final EvaluationData DATA = new Examples()
            .add("u1", "a", 0)
            .add("u1", "b", 1)
            .add("u2", "a", 2)
            .add("u2", "b", 3)
            .add("u2", "c", 4)
            .add("u3", "b", 5)
            .add("u3", "c", 6)
            .add("u4", "d", 7)
            .data();

    private static final double W1 = 1 / Math.log(3); // u1 and u3 took 2 items
    private static final double W2 = 1 / Math.log(4); // u2 took 3

    @Test
    void similarityFollowsTheSeedsFormulaWithActivityWeightAndPopularityPenalty() {
        ItemCfRecommender cf = new ItemCfRecommender(0.2, 10, 1);
        cf.train(DATA.examples(), TrainingProgress.SILENT);

        // w_ij = Σ_{u ∈ N(i)∩N(j)} 1/log(1+|N(u)|) / (|N(i)|^(1−α) · |N(j)|^α)
        assertThat(cf.similarity("a", "b")).isCloseTo((W1 + W2) / (Math.pow(2, 0.8) * Math.pow(3, 0.2)), within(1e-6));
        assertThat(cf.similarity("b", "a")).isCloseTo((W1 + W2) / (Math.pow(3, 0.8) * Math.pow(2, 0.2)), within(1e-6));
        assertThat(cf.similarity("a", "c")).isCloseTo(W2 / 2, within(1e-6));
        assertThat(cf.similarity("b", "c")).isCloseTo((W2 + W1) / (Math.pow(3, 0.8) * Math.pow(2, 0.2)), within(1e-6));
        assertThat(cf.similarity("a", "d")).isZero();
    }

    @Test
    void recommendsBySummedSimilarityOfRecentItemsThenByPopularity() {
        ItemCfRecommender cf = new ItemCfRecommender(0.5, 10, 1);
        cf.train(DATA.examples(), TrainingProgress.SILENT);
        FeatureSnapshot afterA = contextBefore("u1", "b"); // session [a]

        // from a: w_ab = (W1 + W2)/√6 ≈ 0.666 > w_ac = W2/2 ≈ 0.361; d has no similarity, so it comes last by
        // popularity
        assertThat(cf.recommend(List.of(afterA), 3, List.of(Set.of()))).containsExactly(List.of("b", "c", "a"));
        assertThat(cf.recommend(List.of(afterA), 4, List.of(Set.of("b", "a")))).containsExactly(List.of("c", "d"));
    }

    @Test
    void onlineLearningRebuildsAsTheStreamGrows() {
        ItemCfRecommender cf = new ItemCfRecommender(0.5, 10, 1_000);
        List<TrainingExample> examples = DATA.examples();
        cf.learn(examples.subList(0, 3));
        // N(u1) = {a, b}, N(u2) = {a}: N(a) = 2 users, N(b) = 1
        assertThat(cf.similarity("a", "b")).isCloseTo(W1 / Math.sqrt(2), within(1e-6));
        cf.learn(examples.subList(3, 5));
        // N(u1) = {a, b}, N(u2) = {a, b, c}: N(a) = N(b) = 2 users
        assertThat(cf.similarity("a", "b")).isCloseTo((W1 + W2) / 2, within(1e-6));
    }

    @Test
    void keepsOnlyTheTopNeighbours() {
        ItemCfRecommender cf = new ItemCfRecommender(0.5, 1, 1);
        cf.train(DATA.examples(), TrainingProgress.SILENT);
        assertThat(cf.similarity("a", "b")).isPositive();
        assertThat(cf.similarity("a", "c")).isZero();
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new ItemCfRecommender(1.5, 10, 1)).hasMessageContaining("alpha must be in [0, 1]");
        assertThatThrownBy(() -> new ItemCfRecommender(0.5, 0, 1)).hasMessageContaining("must be > 0");
    }

    static FeatureSnapshot contextBefore(String user, String item) {
        return DATA.examples().stream()
                .filter(e -> EvaluationData.userOf(e).equals(user)
                        && EvaluationData.itemOf(e).equals(item))
                .findFirst()
                .orElseThrow()
                .getContext();
    }
}
