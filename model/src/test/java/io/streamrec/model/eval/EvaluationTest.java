package io.streamrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.data.SyntheticDataset;
import io.streamrec.model.data.SyntheticOptions;
import io.streamrec.model.history.HistoryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness end to end on a small synthetic slice: every model, both protocols, sane figures. */
class EvaluationTest {

    private static final List<String> MODELS = List.of("popularity", "itemcf");
    private static final int USERS = 300;
    private static final int ITEMS = 400;

    private static EvaluationData data;

    @BeforeAll
    static void replaySyntheticSlice() throws Exception {
        SyntheticOptions options = SyntheticOptions.defaults().withSize(USERS, ITEMS, 12_000);
        data = EvaluationData.replay(new SyntheticDataset(options), HistoryPolicy.defaults());
    }

    @Test
    void everyModelGetsSaneFiguresUnderBothProtocols(@TempDir Path dir) throws Exception {
        Evaluation evaluation = new Evaluation(
                Models.parse(MODELS),
                List.of(new LeaveLastOneOut(false), new Prequential(0.5, 256, false)),
                Evaluation.DEFAULT_METRICS);
        List<ProtocolResult> results = evaluation.run(data);

        assertThat(results)
                .extracting(r -> r.model() + "/" + r.protocol())
                .containsExactly("popularity/loo", "itemcf/loo", "popularity/prequential", "itemcf/prequential");
        double chance = 50.0 / ITEMS;
        for (ProtocolResult r : results) {
            double hr10 = r.get(Metric.HR.at(10));
            double hr50 = r.get(Metric.HR.at(50));
            assertThat(hr50)
                    .as(r.model() + " " + r.protocol() + " beats chance")
                    .isGreaterThan(chance)
                    .isLessThanOrEqualTo(1);
            assertThat(hr10).isLessThanOrEqualTo(hr50);
            assertThat(r.get(Metric.RECALL.at(50)))
                    .as("one target: recall equals HR")
                    .isEqualTo(hr50);
            assertThat(r.get(Metric.NDCG.at(10))).isPositive().isLessThanOrEqualTo(hr10);
            assertThat(r.get(Metric.NDCG.at(50)))
                    .isLessThanOrEqualTo(hr50)
                    .isGreaterThanOrEqualTo(r.get(Metric.NDCG.at(10)));
        }
        assertThat(results.get(0).evaluated())
                .as("one held-out event per user")
                .isEqualTo(data.examples().stream()
                        .map(EvaluationData::userOf)
                        .distinct()
                        .count());
        assertThat(results.get(2).evaluated())
                .isEqualTo(data.examples().size() - data.examples().size() / 2);
        // planted interest clusters: item-to-item similarity beats global popularity
        assertThat(results.get(1).get(Metric.HR.at(50)))
                .isGreaterThan(results.get(0).get(Metric.HR.at(50)));
        assertThat(results.get(3).get(Metric.HR.at(50)))
                .isGreaterThan(results.get(2).get(Metric.HR.at(50)));

        String table = evaluation.table(results);
        assertThat(table.lines().findFirst().orElseThrow())
                .contains("model", "protocol", "HR@10", "HR@50", "Recall@50", "NDCG@10", "NDCG@50", "train_s");
        assertThat(table.lines()).hasSize(1 + results.size());

        Path csv = dir.resolve("results.csv");
        evaluation.writeCsv(results, csv);
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows.get(0)).isEqualTo("model,protocol,metric,value");
        assertThat(rows).hasSize(1 + results.size() * (Evaluation.DEFAULT_METRICS.size() + 2));
        assertThat(rows).anyMatch(row -> row.startsWith("itemcf,loo,HR@50,"));
    }

    @Test
    void unknownModelsAreRejectedWithTheKnownNames() {
        assertThatThrownBy(() -> Models.parse("bpr")).hasMessageContaining("unknown model 'bpr'; use popularity");
        assertThatThrownBy(() -> Models.parse("popularity:30")).hasMessageContaining("written in days");
    }
}
