package io.streamrec.embedded;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;

/**
 * The metrics of a Flink cluster running in this JVM, readable while the job runs.
 *
 * <p>Flink builds its reporters itself from the configuration, so a live registry cannot be
 * handed to it directly. Instead {@link #register(Configuration)} adds an {@link
 * InJvmMetricReporter} to the configuration with this registry's id, and the reporter's factory
 * looks the registry up here. Several clusters in one JVM (tests) each get their own registry.
 */
public final class LiveMetrics implements AutoCloseable {

    static final String REPORTER_NAME = "streamrec_live";
    static final String REGISTRY_ID_KEY = "registry";

    private static final Map<String, LiveMetrics> REGISTRIES = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    /** Keyed by metric identity, so that a re-registered metric replaces its predecessor. */
    private final Map<Metric, RegisteredMetric> metrics = new ConcurrentHashMap<>();
    /** The final counts of removed counters and meters, by group and name: see {@link #total}. */
    private final Map<String, Long> retired = new ConcurrentHashMap<>();

    private LiveMetrics() {}

    /** Creates a registry and adds the reporter that fills it to {@code flinkConfig}. */
    public static LiveMetrics register(Configuration flinkConfig) {
        LiveMetrics live = new LiveMetrics();
        REGISTRIES.put(live.id, live);
        String prefix = "metrics.reporter." + REPORTER_NAME + ".";
        flinkConfig.setString(prefix + "factory.class", InJvmMetricReporterFactory.class.getName());
        flinkConfig.setString(prefix + REGISTRY_ID_KEY, live.id);
        return live;
    }

    static Optional<LiveMetrics> lookup(String id) {
        return Optional.ofNullable(id).map(REGISTRIES::get);
    }

    void added(Metric metric, String name, String[] scope) {
        String group = scope.length == 0 ? "" : scope[scope.length - 1];
        metrics.put(metric, new RegisteredMetric(group, name, metric));
    }

    void removed(Metric metric) {
        RegisteredMetric gone = metrics.remove(metric);
        if (gone != null && (metric instanceof Counter || metric instanceof Meter)) {
            retired.merge(retiredKey(gone.group(), gone.name()), gone.longValue(), Long::sum);
        }
    }

    /**
     * The total of the counters (or meters) named {@code name} in the user metric group {@code group} over every
     * task that ever registered one: the live ones plus the final counts of those removed. A job that restarts
     * gets new tasks whose counters start from zero, and a job that ended has none, so {@link #sum} would step
     * back; this never does. It counts work done, so records processed again after a restart count again.
     */
    public long total(String group, String name) {
        return retired.getOrDefault(retiredKey(group, name), 0L) + sum(group, name);
    }

    private static String retiredKey(String group, String name) {
        return group + '/' + name;
    }

    /**
     * The sum over every subtask of the counters, gauges or meters (their count) named {@code name}
     * in a user metric group named {@code group} (the last component of its scope, e.g.
     * {@code userState}); 0 when none is registered (yet).
     */
    public long sum(String group, String name) {
        long total = 0;
        for (RegisteredMetric m : metrics.values()) {
            if (m.group().equals(group) && m.name().equals(name)) {
                total += m.longValue();
            }
        }
        return total;
    }

    /**
     * The largest value of the metrics named {@code name} in any group: for Flink's own job-level
     * gauges such as {@code numberOfCompletedCheckpoints}, reported once per job.
     */
    public long max(String name) {
        long max = 0;
        for (RegisteredMetric m : metrics.values()) {
            if (m.name().equals(name)) {
                max = Math.max(max, m.longValue());
            }
        }
        return max;
    }

    /**
     * The value of the gauge, counter or meter named {@code name} in the user metric group {@code group}, as a
     * double (for fractional gauges such as the trainer's {@code prequentialHr50}); the largest when several
     * subtasks register it, NaN when none is registered (yet).
     */
    public double value(String group, String name) {
        double value = Double.NaN;
        for (RegisteredMetric m : metrics.values()) {
            if (m.group().equals(group) && m.name().equals(name)) {
                double v = m.doubleValue();
                value = Double.isNaN(value) ? v : Math.max(value, v);
            }
        }
        return value;
    }

    /** True when a metric named {@code name} is registered, i.e. the operator that owns it is running. */
    public boolean has(String name) {
        return metrics.values().stream().anyMatch(m -> m.name().equals(name));
    }

    @Override
    public void close() {
        REGISTRIES.remove(id);
        metrics.clear();
        retired.clear();
    }

    private record RegisteredMetric(String group, String name, Metric metric) {

        long longValue() {
            if (metric instanceof Counter counter) {
                return counter.getCount();
            }
            if (metric instanceof Meter meter) {
                return meter.getCount();
            }
            if (metric instanceof Gauge<?> gauge && gauge.getValue() instanceof Number number) {
                return number.longValue();
            }
            return 0;
        }

        double doubleValue() {
            if (metric instanceof Gauge<?> gauge) {
                return gauge.getValue() instanceof Number number ? number.doubleValue() : Double.NaN;
            }
            return longValue();
        }
    }
}
