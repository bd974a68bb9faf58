package io.streamrec.model.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.encode.sdm.SdmEncoder;
import io.streamrec.model.encode.sine.SineConfig;
import io.streamrec.model.encode.sine.SineEncoder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncodersTest {

    private static final EncoderDimensions DIMS = EncoderFixtures.smallDimensions(6);

    @Test
    void buildsEachEncoderByItsName() {
        assertThat(Encoders.names()).contains("sdm", "sine");
        UserEncoder sdm = Encoders.create("sdm", DIMS);
        UserEncoder sine = Encoders.create("sine", DIMS);

        assertThat(sdm).isInstanceOf(SdmEncoder.class);
        assertThat(sdm.name()).isEqualTo("sdm");
        assertThat(sdm.dimensions()).isEqualTo(DIMS);
        assertThat(sine).isInstanceOf(SineEncoder.class);
        assertThat(sine.interestCount()).isEqualTo(SineConfig.defaults().interestCount());
    }

    @Test
    void appliesItsOwnSettingsAndIgnoresOtherEncoders() {
        Map<String, String> settings = Map.of("sine.interests", "2", "sine.concepts", "16", "sdm.attention-heads", "4");

        SineEncoder sine = (SineEncoder) Encoders.create("sine", DIMS, settings);

        assertThat(sine.interestCount()).isEqualTo(2);
        assertThat(sine.config().conceptCount()).isEqualTo(16);
        assertThat(sine.config().temperature()).isEqualTo(0.1);
    }

    @Test
    void rejectsUnknownNamesKeysAndValuesWithAHint() {
        assertThatThrownBy(() -> Encoders.factory("gru4rec", Map.of()))
                .hasMessageContaining("unknown encoder 'gru4rec'")
                .hasMessageContaining("[sdm, sine");
        assertThatThrownBy(() -> Encoders.factory("sine", Map.of("sine.concept", "10")))
                .hasMessageContaining("unknown option sine.concept: did you mean sine.concepts?");
        assertThatThrownBy(() -> Encoders.factory("sdm", Map.of("sdm.lstm-layers", "two")))
                .hasMessageContaining("sdm.lstm-layers is 'two', not a whole number");
        assertThatThrownBy(() -> Encoders.factory("sine", Map.of("sine.temperature", "0")))
                .hasMessageContaining("sine.temperature is 0.0: set it to a finite number above 0");
        assertThatThrownBy(() -> Encoders.factory("sine", Map.of("sine.concepts", "2", "sine.interests", "3")))
                .hasMessageContaining("sine.concepts (2) is less than sine.interests (3)");
    }
}
