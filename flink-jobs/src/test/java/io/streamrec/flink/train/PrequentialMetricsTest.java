package io.streamrec.flink.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamrec.model.train.Ranking;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialMetricsTest {

    private static Ranking rank(int r) {
        return new Ranking(List.of(), r);
    }

    @Test
    void hitRatesAndNdcgOfSingleTargetsAgainstThePopularityTopList() {
        PrequentialMetrics metrics = new PrequentialMetrics(100, 4);
        metrics.recordScores(
                List.of(rank(1), rank(3), rank(20), rank(Ranking.UNRANKED)),
                List.of("p", "q"),
                List.of("p", "x", "q", "y"));
        PrequentialMetrics.Figures f = metrics.figures();
        assertThat(f.examples()).isEqualTo(4);
        assertThat(f.hr10()).isEqualTo(0.5);
        assertThat(f.hr50()).isEqualTo(0.75);
        // rank 1 → 1, rank 3 → 1/log2(4) = 0.5, rank 20 → 1/log2(21) only within 50, unranked → 0
        assertThat(f.ndcg10()).isCloseTo((1 + 0.5) / 4, within(1e-12));
        assertThat(f.ndcg50()).isCloseTo((1 + 0.5 + 1 / (Math.log(21) / Math.log(2))) / 4, within(1e-12));
        assertThat(f.popularityHr50()).isEqualTo(0.5);
        assertThat(f.loss()).isNaN();
    }

    @Test
    void rollsOverTheLastWindowAndReadsBackTheSame() throws Exception {
        PrequentialMetrics metrics = new PrequentialMetrics(2, 1);
        metrics.recordScores(List.of(rank(1), rank(1)), List.of(), List.of("a", "b"));
        metrics.recordScores(List.of(rank(Ranking.UNRANKED)), List.of(), List.of("c"));
        metrics.recordLoss(4f);
        metrics.recordLoss(2f);
        assertThat(metrics.figures().hr10()).as("only the last two examples").isEqualTo(0.5);
        assertThat(metrics.figures().loss())
                .as("loss window = 2 / batch 1 = 2 steps")
                .isEqualTo(3.0);
        assertThat(metrics.totals())
                .as("totals count every example, not just the window's")
                .isEqualTo(new PrequentialMetrics.Totals(3, 2, 0));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        metrics.writeTo(new DataOutputStream(bytes));
        PrequentialMetrics restored = new PrequentialMetrics(2, 1);
        restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(restored.figures()).isEqualTo(metrics.figures());
        assertThat(restored.totals()).isEqualTo(metrics.totals());
    }
}
