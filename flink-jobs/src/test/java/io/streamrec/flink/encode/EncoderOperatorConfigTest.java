package io.streamrec.flink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.InvalidConfigException;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.encode.sine.SineEncoder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EncoderOperatorConfigTest {

    @Test
    void defaultsAreTheDeclaredOnes() {
        EncoderOperatorConfig config = EncoderOperatorConfig.defaults();
        assertThat(config.encoderName()).isEqualTo("sdm");
        assertThat(config.get(EncoderOperatorConfig.MAX_BATCH_RECORDS)).isEqualTo(256);
        assertThat(config.get(EncoderOperatorConfig.MAX_BATCH_DELAY)).isEqualTo(Duration.ofMillis(20));
        assertThat(config.get(EncoderOperatorConfig.LATENCY_BUDGET)).isEqualTo(Duration.ofMillis(25));
        assertThat(config.get(EncoderOperatorConfig.MAX_PENDING_SNAPSHOTS)).isEqualTo(100_000);
        assertThat(config.get(EncoderOperatorConfig.MAX_RECENT_ITEMS)).isEqualTo(100);
        assertThat(config.get(EncoderOperatorConfig.LONG_TERM_CACHE_USERS)).isEqualTo(50_000);
    }

    @Test
    void everyBadOptionIsReportedAtOnceWithWhatToChange() {
        assertThatThrownBy(() -> EncoderOperatorConfig.builder()
                        .model("lstm")
                        .set(EncoderOperatorConfig.MAX_BATCH_RECORDS, 0)
                        .set(EncoderOperatorConfig.MAX_BATCH_DELAY, Duration.ZERO)
                        .set(EncoderOperatorConfig.LATENCY_BUDGET, Duration.ofMillis(-1))
                        .set(EncoderOperatorConfig.MAX_PENDING_SNAPSHOTS, -1)
                        .set(EncoderOperatorConfig.MAX_RECENT_ITEMS, -1)
                        .set(EncoderOperatorConfig.LONG_TERM_CACHE_USERS, -1)
                        .build())
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "encoder-max-batch is 0: set it to at least 1",
                                        "encoder-max-batch-delay is 0s: set it to a positive duration",
                                        "encoder-latency-budget is -1ms: set it to 0 or more",
                                        "vector-recent-items is -1: set it to at least 0",
                                        "encoder-long-term-cache is -1: set it to at least 0",
                                        "encoder-max-pending is -1: set it to at least encoder-max-batch (0)",
                                        "model is lstm: choose one of [sdm, sine, meanpool]"));
    }

    @Test
    void aValidConfigFollowsTheNamedModel() {
        EncoderOperatorConfig config =
                EncoderOperatorConfig.builder().model(SineEncoder.NAME).build();
        assertThat(config.encoderName()).isEqualTo(SineEncoder.NAME);
        assertThat(config.get(ModelSettings.MODEL)).isEqualTo(SineEncoder.NAME);
    }
}
