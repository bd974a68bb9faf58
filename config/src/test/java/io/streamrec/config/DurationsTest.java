package io.streamrec.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms,500",
        "10s,10000",
        "10,10000",
        "2.5,2500",
        "5m,300000",
        "2h,7200000",
        "7d,604800000",
        "PT10S,10000",
        "pt1m,60000",
        " 3 s ,3000",
        "10 s,10000",
        "5 min,300000",
        "200 ms,200",
        "1 h,3600000"
    })
    void readsTheUsualSpellingsAndFlinks(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"10000,10s", "600000,10m", "604800000,7d", "500,500ms", "1500,1500ms", "7200000,2h", "0,0s"})
    void formatsTheWayItReads(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void refusesNegativeAndUnknownUnitsWithAnExample() {
        for (String bad : new String[] {"-5s", "10 weeks", "", "P", "s"}) {
            assertThatThrownBy(() -> Durations.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a duration such as 500ms, 10s, 5m, 2h, 7d (or ISO-8601, PT10S)");
        }
    }
}
