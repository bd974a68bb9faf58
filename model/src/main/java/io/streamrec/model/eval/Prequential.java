package io.streamrec.model.eval;

import io.streamrec.model.history.SeenItems;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Prequential (test-then-train) evaluation, as the streaming trainer does it: replay every example
 * in event-time order in batches; each batch is first ranked by the current model, then learned.
 * Only the last {@code reportFraction} of the stream is scored, so the figures describe a model that
 * has warmed up. With {@code excludeSeen}, the items the context says the user already took ({@link SeenItems}) are
 * left out.
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
    public List<ProtocolResult> run(
            SequentialRecommender.Factory factory,
            EvaluationData data,
            List<Metric.At> metrics,
            TrainingProgress progress) {
        long start = System.nanoTime();
        List<TrainingExample> examples = data.examples();
        int firstScored = (int) Math.floor(examples.size() * (1 - reportFraction));
        MetricMeans means = new MetricMeans(metrics);
        long learnNanos = 0;
        try (SequentialRecommender model = factory.create()) {
            for (int from = 0; from < examples.size(); from += batchSize) {
                List<TrainingExample> batch = examples.subList(from, Math.min(from + batchSize, examples.size()));
                int scoreFrom = Math.max(0, firstScored - from);
                if (scoreFrom < batch.size()) {
                    score(model, batch.subList(scoreFrom, batch.size()), means);
                }
                long learnStart = System.nanoTime();
                double loss = model.learn(batch);
                learnNanos += System.nanoTime() - learnStart;
                progress.step(1, from + batch.size(), examples.size(), loss);
            }
        }
        return List.of(new ProtocolResult(
                factory.name(),
                name(),
                means.means(),
                means.count(),
                Duration.ofNanos(learnNanos),
                Duration.ofNanos(System.nanoTime() - start)));
    }

    private void score(SequentialRecommender model, List<TrainingExample> batch, MetricMeans means) {
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
