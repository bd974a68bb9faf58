package io.streamrec.flink.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void summarisesTheLastReadingWithTheRateOverTheBusyTimeAndThePeakUsers() {
        JobProgress last = new JobProgress(50 * SECOND, 10_000, 12_000, 25, 3, 400, 4);

        RunSummary summary = RunSummary.of(last, 8.0, 42, 30.0, "127.0.0.1:9092");

        assertThat(summary).isEqualTo(new RunSummary(10_000, 1250.0, 12_000, 25, 42, 3, 400, 4, 30.0, "127.0.0.1:9092"));
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
    }

    @Test
    void progressLineShowsTheRateSinceThePreviousReading() {
        JobProgress earlier = new JobProgress(10 * SECOND, 1_000, 5_000, 0, 10, 3, 1);
        JobProgress now = new JobProgress(12 * SECOND, 9_000, 20_000, 4, 12, 30, 2);

        assertThat(now.eventsPerSecSince(earlier)).isEqualTo(4_000.0);
        assertThat(now.formatLine(earlier, 12.04)).isEqualTo(
                "[  12.0s] events 9,000 (4,000/s) | produced 20,000 | users 12 | sessions closed 30 | dlq 4 | checkpoints 2");
        assertThat(now.eventsPerSecSince(now)).isZero();
    }
}
