package io.streamrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.data.Datasets;
import io.streamrec.model.history.HistoryPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The offline {@code stream} protocol: the trainer's own online learner replayed without Flink on a simulated clock,
 * so its figures are a function of the data and the seed alone. That makes it the place where the streaming model's
 * quality against the baselines is asserted: the job runs the same learner and evaluator, but its rounds depend on
 * the machine's speed.
 */
class StreamProtocolTest {

    /** The trainer's defaults, with the small estimator of the job's integration tests. */
    static final Map<String, String> SETTINGS = Map.of("estimator-hash-slots", "65536");

    private static List<ProtocolResult> stream(long ratings, double capacity) throws Exception {
        EvaluationData data =
                EvaluationData.replay(Datasets.bundledMovieLens().limitedTo(ratings), HistoryPolicy.defaults());
        Evaluation evaluation = new Evaluation(
                Models.parse(List.of("meanpool"), NeuralSettings.of(1, SETTINGS), data),
                List.of(new StreamProtocol(capacity, 1000, PrequentialEvaluator.Settings.defaults(true), 10)),
                List.of(Metric.HR.at(10), Metric.HR.at(50)));
        return evaluation.run(data);
    }

    private static ProtocolResult find(List<ProtocolResult> results, String model, String protocol) {
        return results.stream()
                .filter(r -> r.model().equals(model) && r.protocol().equals(protocol))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + model + "/" + protocol + " in " + results));
    }

    @Test
    void theSameSeedGivesTheSameFiguresAndEveryExampleIsTrainedWhenTheTrainerKeepsUp() throws Exception {
        List<ProtocolResult> first = stream(4_000, Double.POSITIVE_INFINITY);
        List<ProtocolResult> second = stream(4_000, Double.POSITIVE_INFINITY);

        assertThat(first).hasSize(4);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).metrics()).isEqualTo(first.get(i).metrics());
            assertThat(second.get(i).evaluated()).isEqualTo(first.get(i).evaluated());
        }
        ProtocolResult model = find(first, "meanpool", "stream-preq");
        assertThat(model.curve()).isNotEmpty();
        assertThat(model.curve().get(model.curve().size() - 1).fractionTrained())
                .isEqualTo(1.0);
        assertThat(find(first, "itemcf-online", "stream-preq").evaluated()).isEqualTo(model.evaluated());
        assertThat(find(first, "popularity-recent", "stream-preq").evaluated()).isEqualTo(model.evaluated());
    }

    @Test
    void onMovieLensTheStreamingModelBeatsRecentPopularityOverTheSecondHalf() throws Exception {
        List<ProtocolResult> results = stream(30_000, Double.POSITIVE_INFINITY);

        double model = find(results, "meanpool", "stream-preq").get(Metric.HR.at(50));
        double popularity = find(results, "popularity-recent", "stream-preq").get(Metric.HR.at(50));
        double itemCf = find(results, "itemcf-online", "stream-preq").get(Metric.HR.at(50));
        System.out.printf(
                "stream-preq HR@50 over the second half: meanpool %.4f, popularity %.4f, ItemCF %.4f%n",
                model, popularity, itemCf);
        assertThat(model)
                .as("against popularity's %s (ItemCF %s)", popularity, itemCf)
                .isGreaterThan(popularity);
    }
}
