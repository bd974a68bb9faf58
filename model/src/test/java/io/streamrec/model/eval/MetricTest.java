package io.streamrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricTest {

    private static final List<String> RANKED = List.of("a", "b", "c", "d", "e");

    @Test
    void hitRateIsOneWhenAnyTargetIsInTheTopK() {
        assertThat(Metric.HR.of(RANKED, Set.of("c"), 3)).isEqualTo(1.0);
        assertThat(Metric.HR.of(RANKED, Set.of("c"), 2)).isEqualTo(0.0);
        assertThat(Metric.HR.of(RANKED, Set.of("z", "e"), 5)).isEqualTo(1.0);
        assertThat(Metric.HR.of(List.of("a"), Set.of("b"), 50)).as("short list").isEqualTo(0.0);
    }

    @Test
    void recallCountsTheShareOfTargetsFound() {
        assertThat(Metric.RECALL.of(RANKED, Set.of("b", "d", "z", "y"), 4)).isEqualTo(0.5);
        assertThat(Metric.RECALL.of(RANKED, Set.of("b", "d", "z", "y"), 3)).isEqualTo(0.25);
        assertThat(Metric.RECALL.of(RANKED, Set.of(), 3)).isEqualTo(0.0);
    }

    @Test
    void ndcgMatchesHandComputedDiscounts() {
        // one target at rank 3: DCG = 1/log2(4) = 0.5, IDCG = 1
        assertThat(Metric.NDCG.of(RANKED, Set.of("c"), 5)).isCloseTo(0.5, within(1e-12));
        // targets at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068; IDCG = 1 + 0.63093
        assertThat(Metric.NDCG.of(RANKED, Set.of("b", "d"), 5)).isCloseTo(1.06161 / 1.63093, within(1e-4));
        // cut-off below the target's rank
        assertThat(Metric.NDCG.of(RANKED, Set.of("d"), 3)).isEqualTo(0.0);
        assertThat(Metric.NDCG.of(RANKED, Set.of("a"), 1)).isEqualTo(1.0);
    }

    @Test
    void labelsParseBack() {
        assertThat(Metric.At.parse("ndcg@50")).isEqualTo(Metric.NDCG.at(50));
        assertThat(Metric.RECALL.at(20)).hasToString("Recall@20");
        assertThatThrownBy(() -> Metric.At.parse("MAP@10")).hasMessageContaining("write HR@K, Recall@K or NDCG@K");
        assertThatThrownBy(() -> Metric.HR.at(0)).hasMessageContaining("cut-off K must be > 0");
    }

    @Test
    void meansAverageOverLists() {
        MetricMeans means = new MetricMeans(List.of(Metric.HR.at(1), Metric.HR.at(5)));
        means.add(RANKED, Set.of("a"));
        means.add(RANKED, Set.of("e"));
        means.add(RANKED, Set.of("z"));
        means.add(RANKED, Set.of("b"));
        assertThat(means.count()).isEqualTo(4);
        assertThat(means.maxK()).isEqualTo(5);
        assertThat(means.means())
                .containsExactly(
                        org.assertj.core.api.Assertions.entry(Metric.HR.at(1), 0.25),
                        org.assertj.core.api.Assertions.entry(Metric.HR.at(5), 0.75));
    }
}
