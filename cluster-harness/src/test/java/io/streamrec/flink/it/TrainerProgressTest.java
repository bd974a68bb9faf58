package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak reads the trainer's progress lines as a timeline: what it saw and trained around a burst. */
class TrainerProgressTest {

    private static String line(String clock, long seen, long trained) {
        return clock + " INFO  TrainerOperator [trainer (sdm) -> model updates (1/1)#0] - Trainer v7: HR@10 0.020"
                + " HR@50 0.053 over 1971 examples, loss 6.078; seen " + seen + " trained " + trained + " (99.2%)"
                + " replayed 974, 199.800 examples/s";
    }

    @Test
    void ratesBetweenTwoInstantsComeFromTheNearestLinesAtOrBeforeThem() {
        TrainerProgress progress = TrainerProgress.parse(
                List.of(
                        line("12:00:10,000", 1_000, 1_000),
                        "12:00:15,000 INFO  SomethingElse [main] - seen 99999 but not a trainer line",
                        line("12:00:20,000", 2_000, 2_000),
                        line("12:00:30,000", 7_000, 3_000),
                        line("12:00:40,000", 12_000, 4_000),
                        line("12:00:50,000", 13_000, 5_000)),
                LocalTime.of(12, 0));

        assertThat(progress.points()).hasSize(5);
        TrainerProgress.Window before = progress.between(0, 20).orElseThrow();
        assertThat(before.seenPerSec()).isCloseTo(100, within(1e-9));
        assertThat(before.trainedShare()).isCloseTo(1, within(1e-9));
        TrainerProgress.Window burst = progress.between(20, 45).orElseThrow();
        assertThat(burst.fromSec()).isEqualTo(20);
        assertThat(burst.toSec()).isEqualTo(40);
        assertThat(burst.seenPerSec()).as("five times the examples").isCloseTo(500, within(1e-9));
        assertThat(burst.trainedPerSec()).as("trained at its own pace").isCloseTo(100, within(1e-9));
        assertThat(burst.trainedShare()).isCloseTo(0.2, within(1e-9));
        assertThat(progress.between(41, 45)).as("no two lines in that window").isEmpty();
        assertThat(progress.fractionTrained()).isCloseTo(5_000 / 13_000.0, within(1e-9));
    }

    @Test
    void aRunAcrossMidnightKeepsItsLinesInOrder() {
        TrainerProgress progress = TrainerProgress.parse(
                List.of(line("00:00:05,000", 300, 300), line("23:59:55,000", 100, 100)), LocalTime.of(23, 59, 50));

        assertThat(progress.points()).extracting(TrainerProgress.Point::atSec).containsExactly(5.0, 15.0);
        assertThat(progress.between(0, 20).orElseThrow().seenPerSec()).isCloseTo(20, within(1e-9));
    }

    @Test
    void withoutProgressLinesThereIsNothingToReport() {
        TrainerProgress none = TrainerProgress.parse(List.of("12:00:10,000 INFO  Other - hello"), LocalTime.NOON);

        assertThat(none.between(0, 100)).isEmpty();
        assertThat(none.fractionTrained()).isEqualTo(-1);
    }
}
