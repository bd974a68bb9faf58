package io.streamrec.model.eval;

import io.streamrec.model.history.SeenItems;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leave-last-one-out: each user's last event is that user's test target, every other event is
 * training data. The model is trained once, then ranks the full item set for each user's last
 * context (its features just before the held-out event); exact top-K.
 *
 * <p>With {@code excludeSeen}, the items the held-out context says the user already took ({@link SeenItems}) are left
 * out of the ranking, for every model alike. That suits data without repeat consumption (MovieLens); turn it off
 * for data where users take an item again (Taobao), or such a target could never be hit.
 */
public final class LeaveLastOneOut implements Protocol {

    private static final int RANK_BATCH = 256;

    private final boolean excludeSeen;

    public LeaveLastOneOut(boolean excludeSeen) {
        this.excludeSeen = excludeSeen;
    }

    @Override
    public String name() {
        return "loo";
    }

    /** Training examples and each user's held-out last example, both in time order. */
    public record Split(List<TrainingExample> train, List<TrainingExample> test) {}

    public static Split split(EvaluationData data) {
        List<TrainingExample> examples = data.examples();
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            last.put(EvaluationData.userOf(examples.get(i)), i);
        }
        Set<Integer> held = new HashSet<>(last.values());
        List<TrainingExample> train = new ArrayList<>(examples.size() - held.size());
        List<TrainingExample> test = new ArrayList<>(held.size());
        for (int i = 0; i < examples.size(); i++) {
            (held.contains(i) ? test : train).add(examples.get(i));
        }
        return new Split(train, test);
    }

    @Override
    public List<ProtocolResult> run(
            SequentialRecommender.Factory factory,
            EvaluationData data,
            List<Metric.At> metrics,
            TrainingProgress progress) {
        long start = System.nanoTime();
        Split split = split(data);
        MetricMeans means = new MetricMeans(metrics);
        long trainNanos;
        try (SequentialRecommender model = factory.create()) {
            long trainStart = System.nanoTime();
            model.train(split.train(), progress);
            trainNanos = System.nanoTime() - trainStart;
            for (int from = 0; from < split.test().size(); from += RANK_BATCH) {
                List<TrainingExample> batch = split.test()
                        .subList(from, Math.min(from + RANK_BATCH, split.test().size()));
                List<FeatureSnapshot> contexts = new ArrayList<>(batch.size());
                List<Set<String>> exclude = new ArrayList<>(batch.size());
                for (TrainingExample e : batch) {
                    contexts.add(e.getContext());
                    exclude.add(excludeSeen ? SeenItems.of(e.getContext()) : Set.of());
                }
                List<List<String>> ranked = model.recommend(contexts, means.maxK(), exclude);
                for (int i = 0; i < batch.size(); i++) {
                    means.add(ranked.get(i), Set.of(EvaluationData.itemOf(batch.get(i))));
                }
            }
        }
        return List.of(new ProtocolResult(
                factory.name(),
                name(),
                means.means(),
                means.count(),
                Duration.ofNanos(trainNanos),
                Duration.ofNanos(System.nanoTime() - start)));
    }
}
