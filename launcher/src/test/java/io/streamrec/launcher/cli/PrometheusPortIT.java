package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.flink.it.PromSelectors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamrec run --prometheus-port N}: while the run goes, its endpoint on the loopback address serves every
 * series the Grafana dashboard in {@code monitoring/} queries: the job's, named as Flink's Prometheus reporter names
 * them on a cluster (so one dashboard reads a laptop run and a cluster alike), and the serving API's, which the run
 * starts beside the job.
 */
class PrometheusPortIT {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusPortIT.class);
    private static final Pattern SERVING_AT = Pattern.compile("Serving recommendations at (http://\\S+) ");

    @Test
    void servesEverySeriesOfTheDashboardWhileTheRunGoes(@TempDir Path dir) throws Exception {
        List<PromSelectors.Selector> selectors =
                PromSelectors.ofDashboard(new ObjectMapper().readTree(PromSelectors.DASHBOARD.toFile()));
        List<PromSelectors.Selector> job =
                selectors.stream().filter(s -> s.metric().startsWith("flink_")).toList();
        assertThat(job).as("the dashboard's job series").hasSizeGreaterThan(20);
        List<PromSelectors.Selector> service = selectors.stream()
                .filter(s -> s.metric().startsWith("streamrec_serving_"))
                .toList();
        assertThat(service).as("the dashboard's serving series").hasSizeGreaterThanOrEqualTo(3);
        assertThat(job.size() + service.size())
                .as("every series is the job's or the service's")
                .isEqualTo(selectors.size());
        int port = freePort();
        StringWriter out = new StringWriter();

        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .execute(
                        "run",
                        "--duration",
                        "60",
                        "--prometheus-port",
                        Integer.toString(port),
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--checkpoint-interval",
                        "2s",
                        "--model",
                        "meanpool"));

        // some series appear only once there is something to report (a completed checkpoint, a vector)
        List<String> missing = List.of("(not scraped yet)");
        String scrape = "";
        while (!run.isDone()) {
            // the request series exist once the service has answered something
            Matcher serving = SERVING_AT.matcher(out.toString());
            if (serving.find()) {
                get(serving.group(1) + "/v1/items/1/similar?k=5");
            }
            scrape = get("http://127.0.0.1:" + port + "/metrics");
            missing = PromSelectors.unmatched(selectors, scrape);
            if (missing.isEmpty()) {
                break;
            }
            Thread.sleep(2_000);
        }
        int exit = run.join();
        String printed = out.toString();
        LOG.info(
                "run --prometheus-port: {} of the dashboard's {} series exported ({} of the job, {} of the service;"
                        + " {} scrape lines)",
                selectors.size() - missing.size(),
                selectors.size(),
                job.size(),
                service.size(),
                scrape.lines().count());

        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Prometheus metrics at http://127.0.0.1:" + port + "/metrics");
        assertThat(missing)
                .as("series the dashboard queries that `run --prometheus-port` does not export")
                .isEmpty();
        assertThat(scrape)
                .as("named as on a cluster: Flink's reporter names, sanitised label values")
                .contains("flink_taskmanager_job_task_operator_trainer_modelVersion")
                .contains("job_name=\"streamrec\"")
                .contains("streamrec_serving_requests_total{endpoint=");
    }

    private static String get(String url) throws InterruptedException {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
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
