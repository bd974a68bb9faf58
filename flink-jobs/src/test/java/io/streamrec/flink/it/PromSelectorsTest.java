package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromSelectorsTest {

    @Test
    void selectorsOfAQueryKeepTheirMatchersAndGrafanaVariablesMatchAnything() {
        List<PromSelectors.Selector> selectors = PromSelectors.ofQuery(
                "sum(rate(flink_x_total{job_name=~\"$job\", operator_name=~\"Source:_events.*\"}[1m]))"
                        + " / max(flink_y{quantile=\"0.99\"}) + histogram_quantile(0.5, sum by (le)"
                        + " (rate(streamrec_serving_z_bucket[1m])))");

        assertThat(selectors)
                .extracting(PromSelectors.Selector::toString)
                .containsExactly(
                        "flink_x_total{job_name=~\".*\", operator_name=~\"Source:_events.*\"}",
                        "flink_y{quantile=\"0.99\"}",
                        "streamrec_serving_z_bucket");
    }

    @Test
    void aSelectorSelectsOnlySeriesOfItsNameWhoseLabelsAllMatch() {
        PromSelectors.Selector selector = PromSelectors.ofQuery(
                        "flink_x{operator_name=~\"Source:_events.*\", quantile=\"0.5\", task!=\"t\"}")
                .get(0);
        List<PromSelectors.Series> series = PromSelectors.parseExposition("""
                # HELP flink_x x
                # TYPE flink_x summary
                flink_x{operator_name="Source:_events_source:_events",quantile="0.99",task="u",} 1.0
                flink_x{operator_name="user_state",quantile="0.5",task="u",} 2.0
                flink_x{operator_name="Source:_events_source:_events",quantile="0.5",task="u",} 3.0
                flink_x_count{operator_name="Source:_events_source:_events",} 4.0
                flink_up 1.0
                """);

        assertThat(series).hasSize(5);
        assertThat(series.get(4)).isEqualTo(new PromSelectors.Series("flink_up", Map.of()));
        assertThat(series).filteredOn(selector::matches).containsExactly(series.get(2));
        assertThat(PromSelectors.ofQuery("flink_up").get(0).matches(series.get(4)))
                .isTrue();
    }
}
