package io.streamrec.flink.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.encode.sine.SineEncoder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EncoderOperatorConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        EncoderOperatorConfig config = EncoderOperatorConfig.defaults();
        assertThat(config.encoderName()).isEqualTo("sdm");
        assertThat(config.maxBatchRecords()).isEqualTo(256);
        assertThat(config.maxBatchDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(config.maxPendingSnapshots()).isEqualTo(100_000);
        assertThat(config.maxRecentItems()).isEqualTo(100);
    }

    @Test
    void everyBadOptionIsReportedAtOnceWithWhatToChange() {
        assertThatThrownBy(() -> EncoderOperatorConfig.builder()
                        .encoder("lstm")
                        .maxBatchRecords(0)
                        .maxBatchDelay(Duration.ZERO)
                        .maxPendingSnapshots(-1)
                        .maxRecentItems(-1)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatchRecords must be at least 1")
                .hasMessageContaining("maxBatchDelay must be positive")
                .hasMessageContaining("maxPendingSnapshots must be at least maxBatchRecords")
                .hasMessageContaining("maxRecentItems must be >= 0")
                .hasMessageContaining("unknown encoder 'lstm'");
    }

    @Test
    void aValidConfigBuildsTheNamedEncoder() {
        EncoderOperatorConfig config =
                EncoderOperatorConfig.builder().encoder(SineEncoder.NAME).build();
        assertThat(config.encoderName()).isEqualTo(SineEncoder.NAME);
    }
}
