package io.streamrec.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValidationLimitsTest {

    @Test
    void hasTheDocumentedDefaults() {
        ValidationLimits limits = ValidationLimits.defaults();

        assertThat(limits.maxIdLength()).isEqualTo(256);
        assertThat(limits.maxPayloadBytes()).isEqualTo(1_048_576);
        assertThat(limits.maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(limits.maxFutureSkew())
                .as("within Kafka 4's default message.timestamp.after.max.ms")
                .isLessThanOrEqualTo(Duration.ofHours(1));
        assertThat(limits.maxWeight()).isEqualTo(1e6);
        assertThat(limits.maxProfileFeatures()).isEqualTo(64);
    }

    @Test
    void readsConfigurationKeysAndKeepsDefaultsForTheRest() {
        ValidationLimits limits = ValidationLimits.fromConfig(Map.of(
                ValidationLimits.MAX_ID_LENGTH,
                "64",
                ValidationLimits.MAX_FUTURE_SKEW_MS,
                " 1000 ",
                "flink.parallelism",
                "2"));

        assertThat(limits)
                .isEqualTo(ValidationLimits.defaults().withMaxIdLength(64).withMaxFutureSkew(Duration.ofSeconds(1)));
    }

    @Test
    void refusesBadSettingsSayingWhatToChange() {
        assertThatThrownBy(() -> ValidationLimits.defaults().withMaxWeight(Double.NaN))
                .hasMessage("Validation limit validation.max.weight is NaN; it must be a finite number above 0.");
        assertThatThrownBy(() -> ValidationLimits.fromConfig(Map.of(ValidationLimits.MAX_PAYLOAD_BYTES, "1MB")))
                .hasMessageStartingWith("Setting validation.max.payload.bytes=1MB is not a number; set it to a number"
                        + " such as 1048576 (the default), or remove it.");
        assertThatThrownBy(() -> ValidationLimits.fromConfig(Map.of("validation.max.id.lenght", "9")))
                .hasMessageStartingWith("Unknown validation setting(s) [validation.max.id.lenght]");
        assertThatThrownBy(() -> ValidationLimits.defaults().withMaxIdLength(0))
                .hasMessageContaining("validation.max.id.length is 0");
    }
}
