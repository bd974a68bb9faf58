package io.streamrec.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.eval.EvaluationData;
import io.streamrec.model.eval.Examples;
import io.streamrec.model.eval.TrainingProgress;
import io.streamrec.schemas.FeatureSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PopularityRecommenderTest {

    // all time: a ×3, b ×2, c ×1; in the last 10 minutes (minutes 20..30): c ×1, b ×1
    private static final EvaluationData DATA = new Examples()
            .add("u1", "a", 0)
            .add("u2", "a", 1)
            .add("u3", "a", 2)
            .add("u1", "b", 3)
            .add("u2", "b", 25)
            .add("u3", "c", 30)
            .data();

    private static final FeatureSnapshot ANYONE = DATA.examples().get(0).getContext();

    @Test
    void ranksByCountOverAllTime() {
        PopularityRecommender pop = new PopularityRecommender(null);
        pop.train(DATA.examples(), TrainingProgress.SILENT);
        assertThat(pop.recommend(List.of(ANYONE), 3, List.of(Set.of()))).containsExactly(List.of("a", "b", "c"));
        assertThat(pop.recommend(List.of(ANYONE), 3, List.of(Set.of("a")))).containsExactly(List.of("b", "c"));
    }

    @Test
    void windowForgetsOlderEvents() {
        PopularityRecommender pop = new PopularityRecommender(Duration.ofMinutes(10));
        pop.train(DATA.examples(), TrainingProgress.SILENT);
        // ties keep first-seen order: b was seen before c
        assertThat(pop.recommend(List.of(ANYONE), 3, List.of(Set.of()))).containsExactly(List.of("b", "c"));
    }

    @Test
    void onlineUpdatesChangeTheRanking() {
        PopularityRecommender pop = new PopularityRecommender(null);
        pop.learn(DATA.examples().subList(0, 1));
        assertThat(pop.recommend(List.of(ANYONE), 2, List.of(Set.of()))).containsExactly(List.of("a"));
        pop.learn(DATA.examples().subList(1, 6));
        assertThat(pop.recommend(List.of(ANYONE), 2, List.of(Set.of()))).containsExactly(List.of("a", "b"));
    }

    @Test
    void rejectsAnEmptyWindow() {
        assertThatThrownBy(() -> new PopularityRecommender(Duration.ZERO)).hasMessageContaining("must be positive");
    }
}
