package io.streamrec.model.estimator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrequencyEstimatorConfigTest {

    @Test
    void defaultsAreValidAndDocumented() {
        FrequencyEstimatorConfig config = FrequencyEstimatorConfig.defaults();
        assertThat(config.hashSlots()).isEqualTo(FrequencyEstimatorConfig.DEFAULT_HASH_SLOTS);
        assertThat(config.hashFunctions()).isEqualTo(FrequencyEstimatorConfig.DEFAULT_HASH_FUNCTIONS);
        assertThat(config.learningRate()).isEqualTo(FrequencyEstimatorConfig.DEFAULT_LEARNING_RATE);
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheSettingAndASaneValue() {
        FrequencyEstimatorConfig config = FrequencyEstimatorConfig.defaults();
        assertThatThrownBy(() -> config.withHashSlots(0))
                .hasMessageContaining("hashSlots (H)")
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> config.withHashFunctions(17)).hasMessageContaining("hashFunctions (m)");
        assertThatThrownBy(() -> config.withLearningRate(0)).hasMessageContaining("learningRate (alpha)");
        assertThatThrownBy(() -> config.withLearningRate(1.5)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> config.withLearningRate(Double.NaN)).hasMessageContaining("learningRate");
    }
}
