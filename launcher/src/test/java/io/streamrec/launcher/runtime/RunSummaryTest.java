package io.streamrec.launcher.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void summarisesTheLastReadingWithTheRateOverTheBusyTimeAndThePeakUsers() {
        JobProgress last = new JobProgress(50 * SECOND, 10_000, 12_000, 25, 3, 400, 4);

        RunSummary summary = RunSummary.of(last, 8.0, 42, 30.0, "127.0.0.1:9092");

        assertThat(summary)
                .isEqualTo(new RunSummary(10_000, 1250.0, 12_000, 25, 42, 3, 400, 4, 30.0, "127.0.0.1:9092"));
    }

    @Test
    void summarisesTheModelLoopWithUnmeasuredFiguresAsNull() {
        ModelProgress model = new ModelProgress(4_000, 3_000, 0.75, 5.4321, 0.21234, 0.11111, 9, 312.4, Double.NaN);
        JobProgress last = new JobProgress(50 * SECOND, 10_000, 12_000, 25, 3, 400, 4, model);

        RunSummary summary = RunSummary.of(last, 8.0, 42, 30.0, "k:1");

        assertThat(summary.vectors()).isEqualTo(4_000);
        assertThat(summary.vectorsPerSec()).isEqualTo(500.0);
        assertThat(summary.examplesTrained()).isEqualTo(3_000);
        assertThat(summary.fractionTrained()).isEqualTo(0.75);
        assertThat(summary.loss()).isEqualTo(5.432);
        assertThat(summary.prequentialHr50()).isEqualTo(0.212);
        assertThat(summary.popularityHr50()).isEqualTo(0.111);
        assertThat(summary.modelVersion()).isEqualTo(9);
        assertThat(summary.latencyP50Ms()).isEqualTo(312.0);
        assertThat(summary.latencyP99Ms()).as("not measured").isNull();
        assertThat(RunSummary.of(new JobProgress(SECOND, 1, 1, 0, 1, 0, 0), 1.0, 1, 1.0, "k:1")
                        .loss())
                .as("ingestion only")
                .isNull();
    }

    @Test
    void theSummaryJsonCarriesTheSecondHalfsPrequentialFiguresOfTheModelAndBothBaselines(@TempDir Path dir)
            throws Exception {
        TrainerFigures trainer = new TrainerFigures(
                0.18, 20_000, 0.07, 0.2345, 0.1234, 0.1987, 41_000, 9_000, Map.of("score", 2_000L, "rounds", 30_000L));
        ModelProgress model = new ModelProgress(40_000, 39_000, 0.95, 5.0, 0.2, 0.1, 12, 300.0, 800.0, trainer);
        JobProgress last = new JobProgress(100 * SECOND, 41_000, 41_000, 0, 600, 0, 9, model);

        RunSummary summary = RunSummary.of(last, 100.0, 600, 100.0, "k:1");
        Path file = dir.resolve("s.json");
        summary.writeJson(file);

        JsonNode preq = new ObjectMapper().readTree(file.toFile()).get("prequential");
        assertThat(preq.get("examples").asLong()).isEqualTo(20_000);
        assertThat(preq.get("model").get("hr10").asDouble()).isEqualTo(0.07);
        assertThat(preq.get("model").get("hr50").asDouble()).isEqualTo(0.2345);
        assertThat(preq.get("popularity").get("hr50").asDouble()).isEqualTo(0.1234);
        assertThat(preq.get("itemcf").get("hr50").asDouble()).isEqualTo(0.1987);
        assertThat(summary.trainerMsPerSec()).containsEntry("score", 20.0).containsEntry("rounds", 300.0);
        assertThat(RunSummary.readJson(file)).isEqualTo(summary);
        assertThat(RunSummary.of(new JobProgress(SECOND, 1, 1, 0, 1, 0, 0), 1.0, 1, 1.0, "k:1")
                        .prequential())
                .as("nothing scored")
                .isNull();
    }

    @Test
    void thePeakIsNeverBelowTheUsersAtTheEnd() {
        JobProgress last = new JobProgress(SECOND, 10, 10, 0, 7, 0, 0);
        assertThat(RunSummary.of(last, 1.0, 0, 1.0, "k:1").users()).isEqualTo(7);
    }

    @Test
    void writesTheFieldsScriptsReadAndReadsThemBack(@TempDir Path dir) throws Exception {
        RunSummary summary = new RunSummary(100_836, 4012.3, 100_836, 2, 37, 5, 9_120, 5, 25.1, "127.0.0.1:1");
        Path file = dir.resolve("nested").resolve("s.json");

        summary.writeJson(file);

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("events").asLong()).isEqualTo(100_836);
        assertThat(json.get("eventsPerSec").asDouble()).isEqualTo(4012.3);
        assertThat(json.get("dlq").asLong()).isEqualTo(2);
        assertThat(json.get("users").asLong()).isEqualTo(37);
        assertThat(json.get("checkpoints").asLong()).isEqualTo(5);
        assertThat(RunSummary.readJson(file)).isEqualTo(summary);

        RunSummary withModel =
                new RunSummary(10, 1.0, 10, 0, 1, 1, 0, 1, 1.0, "k:1", 8, 0.8, 6, 0.5, 4.2, 0.3, 0.2, 3, 250.0, 900.0);
        withModel.writeJson(file);
        json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("vectors").asLong()).isEqualTo(8);
        assertThat(json.get("latencyP50Ms").asDouble()).isEqualTo(250.0);
        assertThat(json.get("latencyP99Ms").asDouble()).isEqualTo(900.0);
        assertThat(json.get("prequentialHr50").asDouble()).isEqualTo(0.3);
        assertThat(json.get("popularityHr50").asDouble()).isEqualTo(0.2);
        assertThat(json.get("modelVersion").asLong()).isEqualTo(3);
        assertThat(json.get("fractionTrained").asDouble()).isEqualTo(0.5);
        assertThat(RunSummary.readJson(file)).isEqualTo(withModel);
    }

    @Test
    void progressLineShowsTheRateSinceThePreviousReading() {
        JobProgress earlier = new JobProgress(10 * SECOND, 1_000, 5_000, 0, 10, 3, 1);
        JobProgress now = new JobProgress(12 * SECOND, 9_000, 20_000, 4, 12, 30, 2);

        assertThat(now.eventsPerSecSince(earlier)).isEqualTo(4_000.0);
        assertThat(now.formatLine(earlier, 12.04))
                .isEqualTo(
                        "[  12.0s] events 9,000 (4,000/s) | produced 20,000 | users 12 | sessions closed 30 | dlq 4 | checkpoints 2");
        assertThat(now.eventsPerSecSince(now)).isZero();
    }

    @Test
    void progressLineShowsTheModelLoopWhenTheJobRunsIt() {
        JobProgress earlier = new JobProgress(
                10 * SECOND,
                1_000,
                5_000,
                0,
                10,
                3,
                1,
                new ModelProgress(500, 400, 1.0, 7.0, 0.01, 0.02, 1, Double.NaN, Double.NaN));
        JobProgress now = new JobProgress(
                12 * SECOND,
                9_000,
                20_000,
                4,
                12,
                30,
                2,
                new ModelProgress(
                        8_500,
                        1_400,
                        0.5,
                        6.1234,
                        0.2,
                        0.15,
                        3,
                        420.0,
                        1_850.0,
                        new TrainerFigures(
                                0.175, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 2_800, 0, Map.of())));

        assertThat(now.formatLine(earlier, 12.04))
                .endsWith("| checkpoints 2 | vectors 8,500 (4,000/s) | trained 1,400 (500/s, 50%) | loss 6.123"
                        + " | HR@50 0.200 vs popularity 0.150, ItemCF 0.175 | model v3"
                        + " | latency p50 420 ms p99 1,850 ms");
        assertThat(JobProgress.startingAt(0).formatLine(JobProgress.startingAt(0), 0))
                .doesNotContain("vectors");
    }

    @Test
    void progressLineSaysWhenTheJobRestartsOrFailedAndRatesNeverGoNegative() {
        JobProgress before = new JobProgress(10 * SECOND, 9_000, 20_000, 4, 12, 30, 2);
        JobState restarting = new JobState(
                JobStatus.RESTARTING, 2, 10, Optional.of("IOException: disk full"), OptionalLong.empty(), false);
        JobProgress during = new JobProgress(12 * SECOND, 100, 20_000, 4, 0, 0, 2, ModelProgress.NONE, restarting);

        assertThat(during.formatLine(before, 12.0))
                .startsWith(
                        "[  12.0s] job RESTARTING (restart 2 of 10) after: IOException: disk full | events 100 (0/s)");

        JobState recovered = new JobState(
                JobStatus.RUNNING, 2, 10, Optional.of("IOException: disk full"), OptionalLong.of(7), false);
        JobProgress after = new JobProgress(14 * SECOND, 2_100, 20_000, 4, 3, 1, 3, ModelProgress.NONE, recovered);
        assertThat(after.formatLine(during, 14.0))
                .startsWith("[  14.0s] events 2,100 (1,000/s)")
                .endsWith(" | restarts 2 (from checkpoint 7)");

        JobState failed =
                new JobState(JobStatus.FAILED, 0, 10, Optional.of("topic 'x' is gone"), OptionalLong.empty(), false);
        assertThat(new JobProgress(16 * SECOND, 2_100, 20_000, 4, 3, 1, 3, ModelProgress.NONE, failed)
                        .formatLine(after, 16.0))
                .startsWith("[  16.0s] job FAILED: topic 'x' is gone | events 2,100 (0/s)");
        JobState lost =
                new JobState(JobStatus.RESTARTING, 1, 10, Optional.of("OutOfMemoryError"), OptionalLong.empty(), true);
        assertThat(new JobProgress(18 * SECOND, 2_100, 20_000, 4, 3, 1, 3, ModelProgress.NONE, lost)
                        .formatLine(after, 18.0))
                .startsWith("[  18.0s] job FAILED: the local Flink cluster lost its task manager (last failure:"
                        + " OutOfMemoryError) | events");
    }

    @Test
    void theSummaryCarriesTheJobsStatusRestartsAndFailureCause(@TempDir Path dir) throws Exception {
        JobState failed =
                new JobState(JobStatus.FAILED, 3, 10, Optional.of("topic 'x' is gone"), OptionalLong.empty(), false);
        JobProgress last = new JobProgress(50 * SECOND, 10_000, 12_000, 25, 3, 400, 4, ModelProgress.NONE, failed);

        RunSummary summary = RunSummary.of(last, 8.0, 42, 30.0, "k:1");

        assertThat(summary.jobStatus()).isEqualTo("FAILED");
        assertThat(summary.jobFailed()).isTrue();
        assertThat(summary.restarts()).isEqualTo(3);
        assertThat(summary.failureCause()).isEqualTo("topic 'x' is gone");
        Path file = dir.resolve("s.json");
        summary.writeJson(file);
        assertThat(java.nio.file.Files.readString(file))
                .contains("\"jobStatus\" : \"FAILED\"", "\"restarts\" : 3", "\"failureCause\" : \"topic 'x' is gone\"")
                .doesNotContain("jobFailed");
        assertThat(RunSummary.readJson(file)).isEqualTo(summary);

        RunSummary healthy = RunSummary.of(new JobProgress(SECOND, 1, 1, 0, 1, 0, 0), 1.0, 1, 1.0, "k:1");
        assertThat(healthy.jobStatus()).isEqualTo("RUNNING");
        assertThat(healthy.jobFailed()).isFalse();
        assertThat(healthy.failureCause()).isNull();
    }
}
