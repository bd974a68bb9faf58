package io.streamrec.embedded;

import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

/** Hands every metric Flink registers in this JVM to a {@link LiveMetrics} registry. */
final class InJvmMetricReporter implements MetricReporter {

    private final LiveMetrics target;

    InJvmMetricReporter(LiveMetrics target) {
        this.target = target;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        target.added(metric, metricName, group.getScopeComponents());
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        target.removed(metric);
    }
}
