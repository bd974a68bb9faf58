package io.streamrec.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ViolationTest {

    @Test
    void rendersStableReasonsAndDetailedStrings() {
        assertThat(Violation.of(ViolationCode.MISSING_FIELD, "userId").toString())
                .isEqualTo("missing-field:userId");
        assertThat(Violation.of(ViolationCode.ID_TOO_LONG, "itemId", "300 > 256")
                        .toString())
                .isEqualTo("id-too-long:itemId: 300 > 256");
        assertThat(Violation.of(ViolationCode.ID_TOO_LONG, "itemId", "300 > 256")
                        .reason())
                .isEqualTo("id-too-long:itemId");
        assertThat(Violation.of(ViolationCode.MALFORMED_JSON, null, "at byte 3").toString())
                .isEqualTo("malformed-json: at byte 3");
        assertThat(Violation.of(ViolationCode.LATE).toString()).isEqualTo("late");
    }

    @Test
    void quotesProducerTextSafely() {
        assertThat(Violation.quote("a\"b\n")).isEqualTo("\"a\\\"b\\u000a\"");
        assertThat(Violation.quote("x".repeat(1000))).isEqualTo("\"" + "x".repeat(64) + "\"… (1000 chars)");
        assertThat(Violation.fieldName("color")).isEqualTo("color");
        assertThat(Violation.fieldName("a:b")).isEqualTo("\"a:b\"");
    }

    @Test
    void wireNamesAreDistinctLowerCaseWords() {
        assertThat(Arrays.stream(ViolationCode.values()).map(ViolationCode::wireName))
                .doesNotHaveDuplicates()
                .allMatch(name -> name.matches("[a-z0-9]+(-[a-z0-9]+)*"));
    }
}
