package io.streamrec.embedded;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Found by Flink through {@code META-INF/services}; binds the reporter to the {@link LiveMetrics}
 * registry named in its configuration.
 */
public final class InJvmMetricReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String id = properties.getProperty(LiveMetrics.REGISTRY_ID_KEY);
        LiveMetrics target = LiveMetrics.lookup(id)
                .orElseThrow(() -> new IllegalStateException("No live metrics registry '" + id
                        + "' in this JVM: the in-JVM reporter only works for a cluster started by"
                        + " LiveMetrics.register(configuration) in the same process."));
        return new InJvmMetricReporter(target);
    }
}
