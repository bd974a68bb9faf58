package io.streamrec.launcher.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SteadyStateTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void ratesAreOverTheWindowAfterTheWarmupAndTheLagIsProducedMinusConsumed() {
        ModelProgress warmModel = new ModelProgress(1_000, 200, 1.0, 7.0, 0.0, 0.1, 2, 900, 5_000);
        ModelProgress lastModel = new ModelProgress(61_000, 12_200, 0.5, 6.0, 0.1, 0.2, 8, 250, 800);
        JobProgress warm = new JobProgress(30 * SECOND, 2_000, 3_000, 0, 10, 0, 1, warmModel);
        JobProgress last = new JobProgress(90 * SECOND, 182_000, 183_500, 0, 99, 5, 7, lastModel);
        var deltas = ModelUpdatesWatch.DeltaIntervals.of(List.of(100_000L, 110_000L, 121_000L));

        SteadyState steady = SteadyState.between(warm, last, 30.0, 900, deltas);

        assertThat(steady.windowSec()).isEqualTo(60.0);
        assertThat(steady.producedPerSec()).isEqualTo(3_008.3);
        assertThat(steady.eventsPerSec()).isEqualTo(3_000.0);
        assertThat(steady.vectorsPerSec()).isEqualTo(1_000.0);
        assertThat(steady.examplesPerSec()).isEqualTo(200.0);
        assertThat(steady.lagAtEnd()).isEqualTo(1_500);
        assertThat(steady.maxLag())
                .as("the end's lag counts when it is the largest")
                .isEqualTo(1_500);
        assertThat(steady.latencyP50Ms()).isEqualTo(250.0);
        assertThat(steady.latencyP99Ms()).isEqualTo(800.0);
        assertThat(steady.deltas()).isEqualTo(3);
        assertThat(steady.deltaIntervalMeanSec()).isEqualTo(10.5);
        assertThat(steady.deltaIntervalMaxSec()).isEqualTo(11.0);
    }

    @Test
    void fewerThanTwoDeltasHaveNoInterval() {
        assertThat(ModelUpdatesWatch.DeltaIntervals.of(List.of(5L)).meanSec()).isNaN();
        JobProgress warm = new JobProgress(0, 0, 0, 0, 0, 0, 0);
        JobProgress last = new JobProgress(SECOND, 10, 10, 0, 0, 0, 0);

        SteadyState steady = SteadyState.between(warm, last, 1.0, 0, ModelUpdatesWatch.DeltaIntervals.of(List.of(5L)));

        assertThat(steady.deltas()).isEqualTo(1);
        assertThat(steady.deltaIntervalMeanSec()).isNull();
        assertThat(steady.latencyP99Ms())
                .as("an ingestion-only job measures no latency")
                .isNull();
    }
}
