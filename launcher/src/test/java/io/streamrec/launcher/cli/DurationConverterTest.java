package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    final DurationConverter converter = new DurationConverter();

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
        " 3 s ,3000"
    })
    void readsTheUsualSpellings(String text, long millis) {
        assertThat(converter.convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"10000,10s", "600000,10m", "604800000,7d", "500,500ms", "1500,1500ms", "7200000,2h"})
    void formatsTheWayItReads(long millis, String text) {
        assertThat(DurationConverter.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(converter.convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void refusesNegativeAndUnknownUnitsWithAnExample() {
        for (String bad : new String[] {"-5s", "10 weeks", "", "P", "s"}) {
            assertThatThrownBy(() -> converter.convert(bad))
                    .as(bad)
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("is not a duration: write e.g. 500ms");
        }
    }
}
