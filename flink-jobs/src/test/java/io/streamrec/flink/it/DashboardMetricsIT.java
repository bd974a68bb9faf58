package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.embedded.LocalFlinkCluster;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.flink.job.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Grafana dashboard in {@code monitoring/} against the job's real metrics: the job runs on a local cluster with
 * Flink's own Prometheus reporter (the one the cluster images load as a plugin), is scraped over HTTP, and every
 * series a panel of the dashboard selects for a job metric, by name and label matchers, must be there. The
 * service's series ({@code streamrec_serving_*}) come from the service, not the job.
 */
class DashboardMetricsIT {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardMetricsIT.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void everyJobSeriesTheDashboardQueriesIsExportedByFlinksPrometheusReporter(@TempDir Path dir) throws Exception {
        List<PromSelectors.Selector> selectors =
                PromSelectors.ofDashboard(new ObjectMapper().readTree(PromSelectors.DASHBOARD.toFile()));
        List<PromSelectors.Selector> job =
                selectors.stream().filter(s -> s.metric().startsWith("flink_")).toList();
        assertThat(job).as("the dashboard's job series").hasSizeGreaterThan(20);
        assertThat(selectors)
                .as("every series comes from the job (flink_) or the service (streamrec_serving_)")
                .allMatch(s -> s.metric().startsWith("flink_") || s.metric().startsWith("streamrec_serving_"));

        StreamrecJobConfig cfg =
                VectorsIT.config(KAFKA.bootstrapServers(), "dashboard", dir).build();
        // a few malformed records (dead letters) beside the ratings
        MovieLensScenario scenario = MovieLensScenario.create(4_000, 10, 0, 0, 0, 3L);
        Topics.createIfAbsent(cfg.get(JobOptions.BOOTSTRAP_SERVERS), cfg.requiredTopics(VectorsIT.EVENT_PARTITIONS));
        scenario.produce(cfg.get(JobOptions.BOOTSTRAP_SERVERS), cfg.topics().events(), 0, scenario.records.size());

        Configuration flinkConfig = cfg.flinkConfiguration();
        int port = freePort();
        flinkConfig.setString(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flinkConfig.setString("metrics.reporter.prom.port", Integer.toString(port));
        try (LocalFlinkCluster cluster = LocalFlinkCluster.start(flinkConfig, cfg.get(JobOptions.PARALLELISM))) {
            var env = cluster.newEnvironment();
            StreamrecPipeline.build(env, cfg);
            JobID jobId = cluster.submit(env, "streamrec");
            // some series appear only once there is something to report: a completed checkpoint, a dead letter
            List<String> missing = List.of();
            String scrape = "";
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                scrape = scrape(port);
                missing = PromSelectors.unmatched(job, scrape);
                if (missing.isEmpty()) {
                    break;
                }
                Thread.sleep(2_000);
            }
            cluster.cancel(jobId);
            LOG.info(
                    "Dashboard: {} job series found in the scrape ({} lines); the service's {} are checked by the service",
                    job.size(),
                    scrape.lines().count(),
                    selectors.size() - job.size());
            assertThat(missing)
                    .as("series the dashboard queries that the job does not export (scrape of port %d)", port)
                    .isEmpty();
        }
    }

    private static String scrape(int port) throws IOException, InterruptedException {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException notYet) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
