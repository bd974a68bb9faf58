package io.streamrec.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    @Test
    void aSwapOfTwoLettersIsOneEdit() {
        assertThat(Suggestions.distance("valeu", "value")).isEqualTo(1);
        assertThat(Suggestions.distance("memroy", "memory")).isEqualTo(1);
        assertThat(Suggestions.distance("partitons", "partitions")).isEqualTo(1);
        assertThat(Suggestions.distance("abc", "abc")).isZero();
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    }

    @Test
    void theClosestKnownNameIsSuggestedOnlyWhenItIsClose() {
        List<String> known = List.of("replicas", "resource", "resources", "podTemplate");

        assertThat(Suggestions.closest("resourse", known)).contains("resource");
        assertThat(Suggestions.closest("replica", known)).contains("replicas");
        assertThat(Suggestions.closest("image", known)).isEmpty();
        assertThat(Suggestions.unknownField("image", known))
                .isEqualTo("unknown field 'image'; known fields: podTemplate, replicas, resource, resources");
    }
}
