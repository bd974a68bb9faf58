package io.streamrec.launcher.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The metrics of a Flink cluster running in this JVM, in the Prometheus format, named by Flink's own Prometheus
 * reporter code ({@link AbstractPrometheusReporter}), exactly as {@code flink-metrics-prometheus} names them on a
 * cluster. Only the HTTP server differs: Flink's binds every interface, this one is served by
 * {@link PrometheusEndpoint}, on the loopback address by default.
 *
 * <p>Flink builds reporters itself from the configuration, so {@link #register} adds this reporter to a
 * configuration under an id, and {@link Factory} finds the registry by that id.
 */
public final class FlinkPrometheusMetrics implements MetricsSource, AutoCloseable {

    static final String REPORTER_NAME = "streamrec_prometheus";
    static final String REGISTRY_ID_KEY = "registry";
    private static final Map<String, FlinkPrometheusMetrics> REGISTRIES = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private volatile CollectorRegistry registry;

    private FlinkPrometheusMetrics() {}

    /** Adds the reporter to {@code flinkConfig}; the registry fills once the cluster starts with that config. */
    public static FlinkPrometheusMetrics register(Configuration flinkConfig) {
        FlinkPrometheusMetrics metrics = new FlinkPrometheusMetrics();
        REGISTRIES.put(metrics.id, metrics);
        String prefix = "metrics.reporter." + REPORTER_NAME + ".";
        flinkConfig.setString(prefix + "factory.class", Factory.class.getName());
        flinkConfig.setString(prefix + REGISTRY_ID_KEY, metrics.id);
        return metrics;
    }

    @Override
    public void writeTo(Writer out) throws IOException {
        CollectorRegistry current = registry;
        if (current != null) {
            TextFormat.write004(out, current.metricFamilySamples());
        }
    }

    @Override
    public void close() {
        REGISTRIES.remove(id);
    }

    /** Found by Flink through {@code META-INF/services}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            String id = properties.getProperty(REGISTRY_ID_KEY);
            FlinkPrometheusMetrics target = Optional.ofNullable(id)
                    .map(REGISTRIES::get)
                    .orElseThrow(() -> new IllegalStateException("No Prometheus registry '" + id + "' in this JVM:"
                            + " this reporter only serves a cluster started in the same process with"
                            + " FlinkPrometheusMetrics.register(configuration)"));
            return new Reporter(target);
        }
    }

    /** Flink's Prometheus reporter without its HTTP server. */
    static final class Reporter extends AbstractPrometheusReporter {
        private final FlinkPrometheusMetrics target;

        Reporter(FlinkPrometheusMetrics target) {
            this.target = target;
        }

        @Override
        public void open(MetricConfig config) {
            super.open(config);
            target.registry = registryOf(this);
        }

        @Override
        public void close() {
            target.registry = null;
            super.close();
        }

        /**
         * The reporter's registry: a package-private field of Flink's reporter (stable from Flink 1.x to 2.2). A
         * change there fails the endpoint's tests, not a run silently.
         */
        private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
            try {
                Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
                field.setAccessible(true);
                return (CollectorRegistry) field.get(reporter);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException(
                        "Flink's Prometheus reporter has changed (no 'registry' field): " + e, e);
            }
        }
    }
}
