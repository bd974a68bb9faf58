package io.streamrec.model.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.config.InvalidConfigException;
import java.time.Duration;
import java.util.Map;
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
                .set(HistoryPolicy.SESSION_GAP, Duration.ofMinutes(30))
                .set(HistoryPolicy.MAX_SESSION_ITEMS, 20)
                .set(HistoryPolicy.LONG_TERM_RETENTION, Duration.ofDays(3))
                .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, 10)
                .set(HistoryPolicy.DEDUP_MEMORY, 64)
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
                .set(HistoryPolicy.SESSION_GAP, Duration.ofHours(2))
                .set(HistoryPolicy.LONG_TERM_RETENTION, Duration.ofHours(1))
                .build();

        assertThat(policy.lapseAfterMillis()).isEqualTo(Duration.ofHours(2).toMillis());
    }

    @Test
    void everyInvalidSettingIsReportedAtOnceWithWhatToSet() {
        assertThatThrownBy(() -> HistoryPolicy.builder()
                        .set(HistoryPolicy.SESSION_GAP, Duration.ZERO)
                        .set(HistoryPolicy.LONG_TERM_RETENTION, Duration.ofDays(-1))
                        .set(HistoryPolicy.MAX_SESSION_ITEMS, 0)
                        .set(HistoryPolicy.MAX_LONG_TERM_PER_FEATURE, -5)
                        .set(HistoryPolicy.DEDUP_MEMORY, 0)
                        .build())
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "session-gap is 0s: set it to at least 1ms",
                                        "max-session-items is 0: set it to at least 1",
                                        "long-term-retention is -1d: set it to at least 1ms",
                                        "max-long-term-per-feature is -5: set it to at least 1",
                                        "dedup-memory is 0: set it to at least 1"));
    }

    @Test
    void aPolicyIsReadFromTheValuesOfItsOptions() {
        HistoryPolicy policy = HistoryPolicy.from(
                HistoryPolicy.OPTIONS.parse(Map.of("session-gap", "30m", "max-session-items", "20")));

        assertThat(policy.sessionGap()).isEqualTo(Duration.ofMinutes(30));
        assertThat(policy.maxSessionItems()).isEqualTo(20);
        assertThat(policy.dedupMemory()).isEqualTo(HistoryPolicy.DEDUP_MEMORY.defaultValue());
    }
}
