package io.streamrec.model.eval;

import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.time.Duration;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prequential (test-then-train) evaluation, as the streaming trainer does it: replay every example
 * in event-time order in batches; each batch is first ranked by the current model, then learned.
 * Only the last {@code reportFraction} of the stream is scored, so the figures describe a model that
 * has warmed up. With {@code excludeSeen}, the items a user took before the event are left out.
 */
public final class Prequential implements Protocol {

    private final double reportFraction;
    private final int batchSize;
    private final boolean excludeSeen;

    public Prequential(double reportFraction, int batchSize, boolean excludeSeen) {
        if (!(reportFraction > 0 && reportFraction <= 1)) {
            throw new IllegalArgumentException(
                    "the reported fraction of the stream must be in (0, 1], got " + reportFraction);
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("the prequential batch size must be > 0, got " + batchSize);
        }
        this.reportFraction = reportFraction;
        this.batchSize = batchSize;
        this.excludeSeen = excludeSeen;
    }

    @Override
    public String name() {
        return "prequential";
    }

    @Override
    public ProtocolResult run(
            SequentialRecommender.Factory factory,
            EvaluationData data,
            List<Metric.At> metrics,
            TrainingProgress progress) {
        long start = System.nanoTime();
        List<TrainingExample> examples = data.examples();
        int firstScored = (int) Math.floor(examples.size() * (1 - reportFraction));
        Map<String, Map<String, Integer>> firstTaken = new HashMap<>();
        MetricMeans means = new MetricMeans(metrics);
        long learnNanos = 0;
        try (SequentialRecommender model = factory.create()) {
            for (int from = 0; from < examples.size(); from += batchSize) {
                List<TrainingExample> batch = examples.subList(from, Math.min(from + batchSize, examples.size()));
                // positions first: an example's exclusions are the items taken strictly before it, also within the
                // batch
                for (int i = 0; i < batch.size(); i++) {
                    TrainingExample e = batch.get(i);
                    firstTaken
                            .computeIfAbsent(EvaluationData.userOf(e), u -> new HashMap<>())
                            .putIfAbsent(EvaluationData.itemOf(e), from + i);
                }
                int scoreFrom = Math.max(0, firstScored - from);
                if (scoreFrom < batch.size()) {
                    score(model, batch.subList(scoreFrom, batch.size()), from + scoreFrom, firstTaken, means);
                }
                long learnStart = System.nanoTime();
                double loss = model.learn(batch);
                learnNanos += System.nanoTime() - learnStart;
                progress.step(1, from + batch.size(), examples.size(), loss);
            }
        }
        return new ProtocolResult(
                factory.name(),
                name(),
                means.means(),
                means.count(),
                Duration.ofNanos(learnNanos),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private void score(
            SequentialRecommender model,
            List<TrainingExample> batch,
            int firstIndex,
            Map<String, Map<String, Integer>> firstTaken,
            MetricMeans means) {
        List<FeatureSnapshot> contexts = new ArrayList<>(batch.size());
        List<Set<String>> exclude = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            TrainingExample e = batch.get(i);
            contexts.add(e.getContext());
            exclude.add(
                    excludeSeen ? new TakenBefore(firstTaken.get(EvaluationData.userOf(e)), firstIndex + i) : Set.of());
        }
        List<List<String>> ranked = model.recommend(contexts, means.maxK(), exclude);
        for (int i = 0; i < batch.size(); i++) {
            means.add(ranked.get(i), Set.of(EvaluationData.itemOf(batch.get(i))));
        }
    }

    /**
     * The items a user took before stream position {@code before}: a view over the user's
     * first-taken positions, so a batch needs no copies of growing sets.
     */
    private static final class TakenBefore extends AbstractSet<String> {
        private final Map<String, Integer> firstTaken;
        private final int before;

        TakenBefore(Map<String, Integer> firstTaken, int before) {
            this.firstTaken = firstTaken;
            this.before = before;
        }

        @Override
        public boolean contains(Object item) {
            Integer at = firstTaken.get(item);
            return at != null && at < before;
        }

        @Override
        public Iterator<String> iterator() {
            return firstTaken.entrySet().stream()
                    .filter(e -> e.getValue() < before)
                    .map(Map.Entry::getKey)
                    .iterator();
        }

        @Override
        public int size() {
            return (int) firstTaken.values().stream().filter(at -> at < before).count();
        }
    }
}
