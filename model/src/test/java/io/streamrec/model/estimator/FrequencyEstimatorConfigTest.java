package io.streamrec.model.estimator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrequencyEstimatorConfigTest {

    @Test
    void theDefaultsAreTheOptionsDefaultsTheTrainerUses() {
        FrequencyEstimatorConfig config = FrequencyEstimatorConfig.defaults();

        assertThat(config.hashSlots()).isEqualTo(1 << 20).isEqualTo(EstimatorOptions.HASH_SLOTS.defaultValue());
        assertThat(config.hashFunctions()).isEqualTo(EstimatorOptions.HASH_FUNCTIONS.defaultValue());
        assertThat(config.learningRate()).isEqualTo(EstimatorOptions.LEARNING_RATE.defaultValue());
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheOptionAndWhatToSet() {
        FrequencyEstimatorConfig config = FrequencyEstimatorConfig.defaults();
        assertThatThrownBy(() -> config.withHashSlots(0))
                .hasMessage("estimator-hash-slots is 0: set it between 1 and " + (1 << 30));
        assertThatThrownBy(() -> config.withHashFunctions(17))
                .hasMessage("estimator-hash-functions is 17: set it between 1 and 16");
        assertThatThrownBy(() -> config.withLearningRate(0)).hasMessageContaining("estimator-learning-rate is 0.0");
        assertThatThrownBy(() -> config.withLearningRate(1.5)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> config.withLearningRate(Double.NaN)).hasMessageContaining("estimator-learning-rate");
    }
}
