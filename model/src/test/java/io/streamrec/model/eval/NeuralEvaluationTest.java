package io.streamrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.data.SyntheticDataset;
import io.streamrec.model.data.SyntheticOptions;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The neural models through the harness on a tiny synthetic slice, with the real trainer and DJL. */
class NeuralEvaluationTest {

    private static final int ITEMS = 200;
    private static final Map<String, String> TINY = Map.of(
            "feature-dims",
            "8,4,4,4,4",
            "output-dim",
            "24",
            "batch-size",
            "64",
            "max-session-length",
            "10",
            "max-long-term-length",
            "10",
            "sparse-learning-rate",
            "0.02",
            "sine.concepts",
            "16",
            "sine.interests",
            "2");

    private static EvaluationData data;

    @BeforeAll
    static void replaySlice() throws Exception {
        data = EvaluationData.replay(
                new SyntheticDataset(SyntheticOptions.defaults().withSize(80, ITEMS, 1_500)), HistoryPolicy.defaults());
    }

    @Test
    void everyNeuralModelGetsSaneFiguresUnderBothProtocols() {
        Evaluation evaluation = new Evaluation(
                Models.parse(List.of("meanpool", "sdm", "sine"), NeuralSettings.of(1, TINY), data),
                List.of(new LeaveLastOneOut(false), new Prequential(0.5, 64, false)),
                Evaluation.DEFAULT_METRICS);
        List<ProtocolResult> results = evaluation.run(data);

        assertThat(results)
                .extracting(r -> r.model() + "/" + r.protocol())
                .containsExactly(
                        "meanpool/loo",
                        "sdm/loo",
                        "sine/loo",
                        "meanpool/prequential",
                        "sdm/prequential",
                        "sine/prequential");
        for (ProtocolResult r : results) {
            double hr10 = r.get(Metric.HR.at(10));
            double hr50 = r.get(Metric.HR.at(50));
            assertThat(hr50)
                    .as(r.model() + "/" + r.protocol() + " HR@50")
                    .isBetween(0.0, 1.0)
                    .isGreaterThanOrEqualTo(hr10);
            assertThat(r.get(Metric.NDCG.at(50))).isBetween(0.0, hr50);
            assertThat(r.get(Metric.NDCG.at(10))).isLessThanOrEqualTo(r.get(Metric.NDCG.at(50)));
            assertThat(r.training()).isPositive();
        }
        // trained on clustered data, every model finds more than the 25 % chance level at K=50 of 200 items
        assertThat(results)
                .allSatisfy(r -> assertThat(r.get(Metric.HR.at(50)))
                        .as(r.model() + "/" + r.protocol())
                        .isGreaterThan(50.0 / ITEMS));
    }

    @Test
    void trainingLowersTheLossAndRankingHonoursExclusions() {
        List<Double> epochLosses = new ArrayList<>();
        TrainingProgress recorder = new TrainingProgress() {
            @Override
            public void step(int epoch, long examples, long total, double loss) {}

            @Override
            public void epochDone(int epoch, double meanLoss) {
                epochLosses.add(meanLoss);
            }
        };
        SequentialRecommender.Factory sdm = Models.parse("sdm", NeuralSettings.of(3, TINY), data);
        try (SequentialRecommender model = sdm.create()) {
            model.train(data.examples(), recorder);
            assertThat(epochLosses).hasSize(3);
            assertThat(epochLosses.get(2)).isLessThan(epochLosses.get(0));

            FeatureSnapshot context =
                    data.examples().get(data.examples().size() - 1).getContext();
            List<String> top =
                    model.recommend(List.of(context), 20, List.of(Set.of())).get(0);
            assertThat(top).hasSize(20).doesNotHaveDuplicates();
            Set<String> excluded = Set.copyOf(top.subList(0, 5));
            List<String> rest =
                    model.recommend(List.of(context), 20, List.of(excluded)).get(0);
            assertThat(rest).hasSize(20).doesNotContainAnyElementsOf(excluded).startsWith(top.get(5));
        }
    }

    @Test
    void settingsAreCheckedBeforeAnyTraining() {
        assertThatThrownBy(() -> NeuralSettings.of(1, Map.of("temprature", "0.1")))
                .hasMessageContaining("unknown option temprature: did you mean temperature?");
        assertThatThrownBy(() -> Models.parse("sine", NeuralSettings.of(1, Map.of("sine.interests", "0")), data))
                .hasMessageContaining("sine.interests is 0: set it to at least 1");
        assertThatThrownBy(() -> NeuralSettings.of(0, Map.of())).hasMessageContaining("epochs must be >= 1");
    }
}
