package io.streamrec.model.eval;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Running means of a fixed set of metrics over evaluated lists. */
public final class MetricMeans {

    private final List<Metric.At> metrics;
    private final double[] sums;
    private long count;

    public MetricMeans(List<Metric.At> metrics) {
        this.metrics = List.copyOf(metrics);
        this.sums = new double[metrics.size()];
    }

    public void add(List<String> ranked, Collection<String> targets) {
        for (int m = 0; m < metrics.size(); m++) {
            sums[m] += metrics.get(m).of(ranked, targets);
        }
        count++;
    }

    public long count() {
        return count;
    }

    /** The deepest cut-off asked for: how many items a recommender must return. */
    public int maxK() {
        return metrics.stream().mapToInt(Metric.At::k).max().orElse(0);
    }

    /** Metric → mean, in the order the metrics were given (0 when nothing was evaluated). */
    public Map<Metric.At, Double> means() {
        Map<Metric.At, Double> means = new LinkedHashMap<>();
        for (int m = 0; m < metrics.size(); m++) {
            means.put(metrics.get(m), count == 0 ? 0.0 : sums[m] / count);
        }
        return means;
    }
}
