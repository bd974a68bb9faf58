package io.streamrec.launcher.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PrometheusEndpointTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(PrometheusEndpoint endpoint, String method) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(endpoint.url()))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oneScrapeHoldsEverySourceInOrderOnTheLoopbackAddress() throws Exception {
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0)) {
            endpoint.add(out -> out.write("# TYPE flink_job_x gauge\nflink_job_x 1.0\n"));
            endpoint.add(out -> out.write("# TYPE streamrec_serving_y counter\nstreamrec_serving_y_total 2.0\n"));

            HttpResponse<String> response = get(endpoint, "GET");

            assertThat(endpoint.url()).startsWith("http://127.0.0.1:");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains(PrometheusEndpoint.CONTENT_TYPE);
            assertThat(response.body())
                    .isEqualTo("# TYPE flink_job_x gauge\nflink_job_x 1.0\n"
                            + "# TYPE streamrec_serving_y counter\nstreamrec_serving_y_total 2.0\n");
        }
    }

    @Test
    void aFailingSourceIsAServerErrorNotATruncatedScrape() throws Exception {
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0)) {
            endpoint.add(out -> out.write("flink_job_x 1.0\n"));
            endpoint.add(out -> {
                throw new IOException("source down");
            });

            HttpResponse<String> response = get(endpoint, "GET");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).contains("source down").doesNotContain("flink_job_x");
        }
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0)) {
            assertThat(get(endpoint, "POST").statusCode()).isEqualTo(405);
            assertThat(get(endpoint, "HEAD").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortIsRefusedNamingTheOption() {
        try (PrometheusEndpoint first = PrometheusEndpoint.start("127.0.0.1", 0)) {
            assertThatThrownBy(() -> PrometheusEndpoint.start("127.0.0.1", first.port()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--prometheus-port " + first.port())
                    .hasMessageContaining("taken");
        }
    }
}
