package io.streamrec.serving;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.streamrec.model.sync.UpdateRefusal;

/**
 * The service's Prometheus metrics, in a registry of its own (so two services in one JVM, as in tests, do not
 * collide): requests by endpoint and status with their latency, the model version served, refused updates and
 * vectors, index rebuilds, users held, and the JVM's own metrics.
 */
public final class ServingMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram latency;
    private final Gauge modelVersion;
    private final Counter updatesRefused;
    private final Counter otherModelUpdates;
    private final Counter vectorsRefused;
    private final Counter vectorsTaken;
    private final Counter indexRebuilds;
    private final Gauge freshItemRows;
    private final Gauge users;
    private final Histogram vectorFreshness;

    public ServingMetrics() {
        requests = Counter.builder()
                .name("streamrec_serving_requests_total")
                .help("HTTP requests by endpoint and status code")
                .labelNames("endpoint", "status")
                .register(registry);
        latency = Histogram.builder()
                .name("streamrec_serving_request_duration_seconds")
                .help("Time to answer an HTTP request, by endpoint")
                .unit(Unit.SECONDS)
                .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
                .labelNames("endpoint")
                .register(registry);
        modelVersion = Gauge.builder()
                .name("streamrec_serving_model_version")
                .help("The model version answers are computed at")
                .register(registry);
        updatesRefused = Counter.builder()
                .name("streamrec_serving_model_updates_refused_total")
                .help("Model update records or versions refused, by reason (corrupt, truncated, foreign-model,"
                        + " stale-version, invalid-values)")
                .labelNames("reason")
                .register(registry);
        otherModelUpdates = Counter.builder()
                .name("streamrec_serving_model_updates_of_other_models_total")
                .help("Chunks on model-updates of a model this service does not serve, ignored")
                .register(registry);
        vectorsRefused = Counter.builder()
                .name("streamrec_serving_user_vectors_refused_total")
                .help("user-vectors records refused (undecodable or invalid)")
                .register(registry);
        vectorsTaken = Counter.builder()
                .name("streamrec_serving_user_vectors_total")
                .help("user-vectors records read")
                .register(registry);
        indexRebuilds = Counter.builder()
                .name("streamrec_serving_index_rebuilds_total")
                .help("Item indexes rebuilt from their live rows after too many updates")
                .register(registry);
        freshItemRows = Gauge.builder()
                .name("streamrec_serving_index_fresh_rows")
                .help("Item rows applied by deltas and not yet in the search graph, scanned by every search")
                .register(registry);
        users = Gauge.builder()
                .name("streamrec_serving_users")
                .help("Users with a vector held (RocksDB's estimate)")
                .register(registry);
        vectorFreshness = Histogram.builder()
                .name("streamrec_serving_user_vector_age_seconds")
                .help("From a vector's Kafka record timestamp to the moment the service holds it")
                .unit(Unit.SECONDS)
                .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60)
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void request(String endpoint, int status, long nanos) {
        requests.labelValues(endpoint, Integer.toString(status)).inc();
        latency.labelValues(endpoint).observe(nanos / 1e9);
    }

    public void modelVersion(long version) {
        modelVersion.set(version);
    }

    public void updateRefused(UpdateRefusal.Reason reason) {
        updatesRefused.labelValues(reason.label()).inc();
    }

    /** Refused model updates of {@code reason} so far. */
    public long updatesRefused(UpdateRefusal.Reason reason) {
        return (long) updatesRefused.labelValues(reason.label()).get();
    }

    public void otherModelUpdate() {
        otherModelUpdates.inc();
    }

    public void vectorRefused() {
        vectorsRefused.inc();
    }

    /** Refused user-vectors records so far. */
    public long vectorsRefused() {
        return (long) vectorsRefused.get();
    }

    public void vectorTaken(long ageMillis) {
        vectorsTaken.inc();
        if (ageMillis >= 0) {
            vectorFreshness.observe(ageMillis / 1e3);
        }
    }

    public void indexRebuilt() {
        indexRebuilds.inc();
    }

    public void freshItemRows(int rows) {
        freshItemRows.set(rows);
    }

    public void users(long count) {
        users.set(count);
    }
}
