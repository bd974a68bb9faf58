package io.streamrec.launcher.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayPaceTest {

    static final long MS = 1_000_000L;

    @Test
    void aWallClockRateSpacesEventsEvenlyWhateverTheirEventTimes() {
        ReplayPace pace = ReplayPace.wallClockRate(4_000);

        assertThat(pace.dueNanos(0, 0)).isZero();
        assertThat(pace.dueNanos(4_000, 5)).isEqualTo(1_000 * MS);
        assertThat(pace.dueNanos(1, 86_400_000))
                .as("a day later in event time, one event later in wall time")
                .isEqualTo(pace.dueNanos(1, 0))
                .isEqualTo(250_000L);
    }

    @Test
    void anEventTimeSpeedupFollowsTheEventTimesWhateverTheirCount() {
        ReplayPace pace = ReplayPace.eventTime(60);

        assertThat(pace.dueNanos(1_000_000, 60_000)).isEqualTo(1_000 * MS);
        assertThat(pace.dueNanos(0, 120_000)).isEqualTo(2_000 * MS);
    }

    @Test
    void asFastAsPossibleIsAlwaysDue() {
        assertThat(ReplayPace.AS_FAST_AS_POSSIBLE.dueNanos(1_000_000, 86_400_000))
                .isZero();
    }

    @Test
    void refusesRatesAndSpeedupsThatAreNotPositiveAndFinite() {
        for (double bad : new double[] {0, -5, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> ReplayPace.wallClockRate(bad)).hasMessageContaining("--rate");
            assertThatThrownBy(() -> ReplayPace.eventTime(bad)).hasMessageContaining("--speedup");
        }
    }

    @Test
    void sleepsUntilDueUnlessStopped() throws InterruptedException {
        long start = System.nanoTime();
        ReplayPace.sleepUntil(start, 30 * MS, () -> false);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(30 * MS);

        long stoppedAt = System.nanoTime();
        ReplayPace.sleepUntil(stoppedAt, 60_000 * MS, () -> true);
        assertThat(System.nanoTime() - stoppedAt)
                .as("a stopped replay does not wait a minute")
                .isLessThan(30_000 * MS);
    }
}
