package io.streamrec.flink.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.train.TrainerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerOperatorConfigTest {

    @Test
    void defaultsFollowTheDesign() {
        TrainerOperatorConfig config = TrainerOperatorConfig.builder().build();
        assertThat(config.encoder()).isEqualTo("sdm");
        assertThat(config.deltaInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.fullUpdateInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.batchSize()).isEqualTo(256);
        assertThat(config.queueCapacity()).isEqualTo(4 * 256);
        assertThat(config.maxMessageBytes()).isEqualTo(900 * 1024);
    }

    @Test
    void survivesJavaSerializationAsTheJobGraphCarriesIt() throws Exception {
        TrainerOperatorConfig config = TrainerOperatorConfig.builder()
                .encoder("meanpool")
                .encoderSettings(Map.of("meanpool.hidden", "16"))
                .trainer(TrainerConfig.builder().batchSize(64).build())
                .queueCapacity(640)
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        TrainerOperatorConfig copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (TrainerOperatorConfig) in.readObject();
        }
        assertThat(copy.toString()).isEqualTo(config.toString());
        assertThat(copy.trainerConfig().batchSize()).isEqualTo(64);
        assertThat(copy.encoderFactory()).isNotNull();
    }

    @Test
    void rejectsBadSettingsSayingWhatToChange() {
        assertThatThrownBy(
                        () -> TrainerOperatorConfig.builder().encoder("gru4rec").build())
                .hasMessageContaining("unknown encoder 'gru4rec'");
        assertThatThrownBy(() -> TrainerOperatorConfig.builder()
                        .deltaInterval(Duration.ZERO)
                        .build())
                .hasMessageContaining("deltaInterval must be a positive duration");
        assertThatThrownBy(() -> TrainerOperatorConfig.builder()
                        .fullUpdateInterval(Duration.ofSeconds(5))
                        .build())
                .hasMessageContaining("must not be shorter than deltaInterval");
        assertThatThrownBy(
                        () -> TrainerOperatorConfig.builder().queueCapacity(10).build())
                .hasMessageContaining("must hold at least one batch of 256");
        assertThatThrownBy(() ->
                        TrainerOperatorConfig.builder().maxMessageBytes(1000).build())
                .hasMessageContaining("max.message.bytes");
        assertThatThrownBy(() -> TrainerOperatorConfig.builder().metricWindow(0).build())
                .hasMessageContaining("metricWindow must be positive");
    }

    @Test
    void versionGapAfterRestoreCoversEveryPublicationSinceTheCheckpoint() {
        TrainerOperatorConfig config = TrainerOperatorConfig.builder().build();
        long tenMinutes = Duration.ofMinutes(10).toMillis();
        // at most 60 deltas and 1 scheduled FULL fit in 10 minutes
        assertThat(TrainerState.versionGap(tenMinutes, config)).isGreaterThanOrEqualTo(61 + TrainerState.RESTORE_SLACK);
        assertThat(TrainerState.versionGap(0, config)).isEqualTo(TrainerState.RESTORE_SLACK);
    }
}
