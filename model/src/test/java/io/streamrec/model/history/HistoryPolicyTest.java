package io.streamrec.model.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HistoryPolicyTest {

    @Test
    void defaultsAreTheDesignThresholds() {
        HistoryPolicy policy = HistoryPolicy.defaults();

        assertThat(policy.sessionGap()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.maxSessionItems()).isEqualTo(50);
        assertThat(policy.longTermRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(policy.maxLongTermPerFeature()).isEqualTo(50);
        assertThat(policy.dedupMemory()).isEqualTo(256);
        assertThat(policy.lapseAfterMillis()).isEqualTo(Duration.ofDays(7).toMillis());
    }

    @Test
    void everySettingIsConfigurableAndSurvivesToBuilder() {
        HistoryPolicy policy = HistoryPolicy.builder()
                .sessionGap(Duration.ofMinutes(30))
                .maxSessionItems(20)
                .longTermRetention(Duration.ofDays(3))
                .maxLongTermPerFeature(10)
                .dedupMemory(64)
                .build();

        assertThat(policy.sessionGapMillis()).isEqualTo(Duration.ofMinutes(30).toMillis());
        assertThat(policy.maxSessionItems()).isEqualTo(20);
        assertThat(policy.longTermRetentionMillis())
                .isEqualTo(Duration.ofDays(3).toMillis());
        assertThat(policy.maxLongTermPerFeature()).isEqualTo(10);
        assertThat(policy.dedupMemory()).isEqualTo(64);
        assertThat(policy.toBuilder().build()).isEqualTo(policy).isNotEqualTo(HistoryPolicy.defaults());
    }

    @Test
    void lapseWaitsForTheSessionGapWhenItExceedsTheRetention() {
        HistoryPolicy policy = HistoryPolicy.builder()
                .sessionGap(Duration.ofHours(2))
                .longTermRetention(Duration.ofHours(1))
                .build();

        assertThat(policy.lapseAfterMillis()).isEqualTo(Duration.ofHours(2).toMillis());
    }

    @Test
    void invalidSettingsAreRejectedWithWhatToSet() {
        assertThatThrownBy(
                        () -> HistoryPolicy.builder().sessionGap(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionGap must be at least 1 ms but was PT0S")
                .hasMessageContaining("e.g. 10m");
        assertThatThrownBy(() -> HistoryPolicy.builder()
                        .longTermRetention(Duration.ofDays(-1))
                        .build())
                .hasMessageContaining("longTermRetention");
        assertThatThrownBy(() -> HistoryPolicy.builder().sessionGap(null).build())
                .hasMessageContaining("sessionGap must be at least 1 ms but was null");
        assertThatThrownBy(() -> HistoryPolicy.builder().maxSessionItems(0).build())
                .hasMessageContaining("maxSessionItems must be at least 1 but was 0");
        assertThatThrownBy(
                        () -> HistoryPolicy.builder().maxLongTermPerFeature(-5).build())
                .hasMessageContaining("maxLongTermPerFeature must be at least 1 but was -5");
        assertThatThrownBy(() -> HistoryPolicy.builder().dedupMemory(0).build()).hasMessageContaining("dedupMemory");
    }
}
