package io.streamrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.data.Datasets;
import io.streamrec.model.history.HistoryPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The headline result at a reduced budget that fits a unit-test run: on ml-latest-small under
 * leave-last-one-out, SDM trained one epoch on each user's 50 most recent examples ranks the held-out
 * movie in its top 50 more often than popularity does. (The full-budget table, with SINE and the
 * mean-pool encoder, comes from {@code streamrec evaluate}; see the eval package docs.)
 */
class MovieLensLeaveLastOneOutTest {

    static final Map<String, String> SETTINGS = Map.of(
            "batch-size",
            "128",
            "max-session-length",
            "20",
            "max-long-term-length",
            "20",
            "sparse-learning-rate",
            "0.05",
            "dense-learning-rate",
            "0.003",
            "logq-correction",
            "false");

    @Test
    void sdmBeatsPopularityOnHitRateAt50() throws Exception {
        EvaluationData data = EvaluationData.replay(Datasets.bundledMovieLens(), HistoryPolicy.defaults());
        NeuralSettings budget = NeuralSettings.of(1, SETTINGS).withBudget(50, 1.0);
        Evaluation evaluation = new Evaluation(
                Models.parse(List.of("popularity", "sdm"), budget, data),
                List.of(new LeaveLastOneOut(true)),
                List.of(Metric.HR.at(50)));

        List<ProtocolResult> results = evaluation.run(data);

        double popularity = results.get(0).get(Metric.HR.at(50));
        double sdm = results.get(1).get(Metric.HR.at(50));
        assertThat(results.get(1).evaluated()).isEqualTo(610);
        assertThat(popularity).isBetween(0.09, 0.13);
        assertThat(sdm).isGreaterThan(popularity);
    }
}
