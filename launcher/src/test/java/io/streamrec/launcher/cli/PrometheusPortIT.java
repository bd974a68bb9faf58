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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamrec run --prometheus-port N}: while the run goes, its endpoint on the loopback address serves every
 * job series the Grafana dashboard in {@code monitoring/} queries, named as Flink's Prometheus reporter names them on
 * a cluster, so one dashboard reads a laptop run and a cluster alike.
 */
class PrometheusPortIT {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusPortIT.class);

    @Test
    void servesEverySeriesOfTheDashboardWhileTheRunGoes(@TempDir Path dir) throws Exception {
        List<PromSelectors.Selector> selectors =
                PromSelectors.ofDashboard(new ObjectMapper().readTree(PromSelectors.DASHBOARD.toFile()));
        List<PromSelectors.Selector> job =
                selectors.stream().filter(s -> s.metric().startsWith("flink_")).toList();
        assertThat(job).as("the dashboard's job series").hasSizeGreaterThan(20);
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
            scrape = scrape(port);
            missing = PromSelectors.unmatched(job, scrape);
            if (missing.isEmpty()) {
                break;
            }
            Thread.sleep(2_000);
        }
        int exit = run.join();
        String printed = out.toString();
        LOG.info(
                "run --prometheus-port: {} of the dashboard's {} job series exported ({} scrape lines)",
                job.size() - missing.size(),
                job.size(),
                scrape.lines().count());

        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Prometheus metrics at http://127.0.0.1:" + port + "/metrics");
        assertThat(missing)
                .as("series the dashboard queries that `run --prometheus-port` does not export")
                .isEmpty();
        assertThat(scrape)
                .as("named as on a cluster: Flink's reporter names, sanitised label values")
                .contains("flink_taskmanager_job_task_operator_trainer_modelVersion")
                .contains("job_name=\"streamrec\"");
    }

    private static String scrape(int port) throws InterruptedException {
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
