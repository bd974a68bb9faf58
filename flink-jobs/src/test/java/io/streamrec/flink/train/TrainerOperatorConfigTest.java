package io.streamrec.flink.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.InvalidConfigException;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.online.OnlineLearner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerOperatorConfigTest {

    @Test
    void defaultsAreTheDeclaredOnes() {
        TrainerOperatorConfig config = TrainerOperatorConfig.defaults();
        assertThat(config.encoder()).isEqualTo("sdm");
        assertThat(config.get(TrainerOperatorConfig.DELTA_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.get(TrainerOperatorConfig.FULL_UPDATE_INTERVAL)).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.batchSize()).isEqualTo(256);
        assertThat(config.queueCapacity()).isEqualTo(16 * 256);
        assertThat(config.learnerPolicy().replayRatio()).isEqualTo(1.0);
        assertThat(config.learnerPolicy().maxBatchDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.maxScoreShare()).isEqualTo(0.2);
        assertThat(config.get(TrainerOperatorConfig.MAX_MESSAGE_BYTES)).isEqualTo(900 * 1024);
    }

    @Test
    void survivesJavaSerializationAsTheJobGraphCarriesIt() throws Exception {
        TrainerOperatorConfig config = TrainerOperatorConfig.builder()
                .model("meanpool")
                .modelSettings(Map.of("meanpool.hidden", "16"))
                .trainer(TrainerConfig.builder()
                        .set(TrainerOptions.BATCH_SIZE, 64)
                        .build())
                .set(OnlineLearner.Policy.QUEUE_CAPACITY, 640)
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
        assertThat(copy.batchSize()).isEqualTo(64);
        assertThat(copy.queueCapacity()).isEqualTo(640);
        assertThat(copy.encoderFactory()).isNotNull();
    }

    @Test
    void rejectsBadSettingsAllAtOnceSayingWhatToChange() {
        assertThatThrownBy(() -> TrainerOperatorConfig.builder()
                        .model("gru4rec")
                        .set(TrainerOperatorConfig.DELTA_INTERVAL, Duration.ofMinutes(20))
                        .set(OnlineLearner.Policy.QUEUE_CAPACITY, 10)
                        .set(TrainerOperatorConfig.MAX_MESSAGE_BYTES, 1000)
                        .set(TrainerOperatorConfig.METRIC_WINDOW, 0)
                        .set(TrainerOperatorConfig.MAX_SCORE_SHARE, 0.0)
                        .set(OnlineLearner.Policy.REPLAY_RATIO, -1.0)
                        .modelSettings(Map.of("batch-size", "0x"))
                        .build())
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "model-update-max-bytes is 1000: set it to at least 16384",
                                        "metric-window is 0: set it to at least 1",
                                        "trainer-max-score-share is 0.0: set it above 0 and at most 1",
                                        "trainer-replay-ratio is -1.0: set it to a finite number, 0 or more",
                                        "full-update-interval is shorter than delta-interval: raise it, or lower the delta"
                                                + " interval",
                                        "model is gru4rec: choose one of [sdm, sine, meanpool]",
                                        "trainer.batch-size is '0x', not a whole number"));
        assertThatThrownBy(() -> TrainerOperatorConfig.builder()
                        .set(OnlineLearner.Policy.QUEUE_CAPACITY, 10)
                        .build())
                .hasMessageContaining("trainer-queue-capacity is 10: it must hold at least one batch of 256");
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
