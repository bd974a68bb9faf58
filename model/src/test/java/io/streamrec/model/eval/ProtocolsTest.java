package io.streamrec.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProtocolsTest {

    /** Ranks "b" then "c" for everyone, unless excluded, and records what the protocol showed it. */
    private static final class Recorder implements SequentialRecommender {
        final List<String> calls = new ArrayList<>();
        final List<TrainingExample> trained = new ArrayList<>();
        final List<FeatureSnapshot> ranked = new ArrayList<>();
        final List<Set<String>> excluded = new ArrayList<>();

        @Override
        public void train(List<TrainingExample> examples, TrainingProgress progress) {
            calls.add("train " + examples.size());
            trained.addAll(examples);
        }

        @Override
        public double learn(List<TrainingExample> batch) {
            calls.add("learn " + batch.size());
            trained.addAll(batch);
            return Double.NaN;
        }

        @Override
        public List<List<String>> recommend(List<FeatureSnapshot> contexts, int k, List<Set<String>> exclude) {
            calls.add("recommend " + contexts.size());
            ranked.addAll(contexts);
            List<List<String>> lists = new ArrayList<>();
            for (Set<String> ex : exclude) {
                excluded.add(new HashSet<>(ex));
                lists.add(List.of("b", "c").stream()
                        .filter(i -> !ex.contains(i))
                        .limit(k)
                        .toList());
            }
            return lists;
        }
    }

    private static final EvaluationData DATA = new Examples()
            .add("u1", "a", 0)
            .add("u1", "b", 1)
            .add("u1", "c", 2)
            .add("u2", "b", 3)
            .add("u2", "a", 4)
            .add("u3", "c", 5)
            .data();

    @Test
    void leaveLastOneOutHoldsOutEachUsersLastEventAndExcludesTheirTrainingItems() {
        Recorder model = new Recorder();
        ProtocolResult result = new LeaveLastOneOut(true)
                .run(
                        SequentialRecommender.Factory.of("rec", () -> model),
                        DATA,
                        List.of(Metric.HR.at(1)),
                        TrainingProgress.SILENT)
                .get(0);

        assertThat(model.calls).containsExactly("train 3", "recommend 3");
        assertThat(model.trained).extracting(EvaluationData::itemOf).containsExactly("a", "b", "b");
        // test contexts in time order: u1 before c (session a, b), u2 before a (session b), u3 before c (empty)
        assertThat(model.ranked).extracting(FeatureSnapshot::getUserId).containsExactly("u1", "u2", "u3");
        assertThat(model.ranked.get(0).getSession())
                .extracting(b -> b.getItemId())
                .containsExactly("a", "b");
        assertThat(model.excluded).containsExactly(Set.of("a", "b"), Set.of("b"), Set.of());
        // u1: "b" excluded → ["c"] hits c; u2: ["c"] misses a; u3: ["b"] misses c
        assertThat(result.get(Metric.HR.at(1))).isEqualTo(1.0 / 3);
        assertThat(result.evaluated()).isEqualTo(3);
        assertThat(result.model()).isEqualTo("rec");
        assertThat(result.protocol()).isEqualTo("loo");
    }

    @Test
    void prequentialScoresEachBatchBeforeLearningItAndOnlyTheReportedTail() {
        Recorder model = new Recorder();
        ProtocolResult result = new Prequential(0.5, 2, true)
                .run(
                        SequentialRecommender.Factory.of("rec", () -> model),
                        DATA,
                        List.of(Metric.HR.at(2)),
                        TrainingProgress.SILENT)
                .get(0);

        // 6 examples in batches of 2; the last half (examples 3..5) is scored: one in batch 2, two in batch 3
        assertThat(model.calls).containsExactly("learn 2", "recommend 1", "learn 2", "recommend 2", "learn 2");
        assertThat(model.ranked).extracting(FeatureSnapshot::getUserId).containsExactly("u2", "u2", "u3");
        // u2's second event (a) excludes b, taken one position earlier in the same batch
        assertThat(model.excluded).containsExactly(Set.of(), Set.of("b"), Set.of());
        // example 3 (u2 takes b): hit; example 4 (u2 takes a): miss; example 5 (u3 takes c): hit
        assertThat(result.get(Metric.HR.at(2))).isEqualTo(2.0 / 3);
        assertThat(result.evaluated()).isEqualTo(3);
    }

    @Test
    void splitKeepsTimeOrder() {
        LeaveLastOneOut.Split split = LeaveLastOneOut.split(DATA);
        assertThat(split.train()).extracting(EvaluationData::userOf).containsExactly("u1", "u1", "u2");
        assertThat(split.test()).extracting(EvaluationData::userOf).containsExactly("u1", "u2", "u3");
    }
}
