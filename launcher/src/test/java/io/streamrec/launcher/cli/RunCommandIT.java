package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.launcher.runtime.RunSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code streamrec run} end to end in this JVM: the embedded broker, a local Flink cluster on
 * RocksDB running the real pipeline, and the bundled ml-latest-small replayed into it.
 */
class RunCommandIT {

    static final long ML_LATEST_SMALL_EVENTS = 100_836;
    static final long ML_LATEST_SMALL_USERS = 610;

    @Test
    void runsTheJobOnTheBundledDataPrintingProgressAndWritingASaneSummary(@TempDir Path dir) throws Exception {
        Path summaryFile = dir.resolve("out").resolve("summary.json");
        StringWriter out = new StringWriter();

        int exit = StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .execute(
                        "run",
                        "--duration",
                        "25",
                        "--summary-json",
                        summaryFile.toString(),
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--checkpoint-interval",
                        "3s",
                        "--progress-interval",
                        "2s",
                        "--model",
                        "meanpool");

        String printed = out.toString();
        System.out.println(printed);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("Kafka broker (embedded, KRaft) listening at 127.0.0.1:");
        List<String> progress = printed.lines()
                .filter(l -> l.matches("\\[ *\\d+\\.\\ds] events .*"))
                .toList();
        assertThat(progress).as(printed).hasSizeGreaterThanOrEqualTo(5);
        assertThat(progress.get(progress.size() - 1))
                .contains("users")
                .contains("dlq")
                .contains("checkpoints")
                .contains("vectors")
                .contains("HR@50")
                .contains("latency p50");

        RunSummary summary = RunSummary.readJson(summaryFile);
        // how much of the replay fits into 25 s depends on the machine's load, so only bounds are checked
        assertThat(summary.eventsProduced()).isPositive().isLessThanOrEqualTo(ML_LATEST_SMALL_EVENTS);
        assertThat(summary.events()).isPositive().isLessThanOrEqualTo(ML_LATEST_SMALL_EVENTS);
        assertThat(summary.eventsPerSec()).isPositive();
        assertThat(summary.dlq()).isGreaterThanOrEqualTo(0).isLessThan(summary.events());
        assertThat(summary.users())
                .isPositive()
                .isLessThanOrEqualTo(ML_LATEST_SMALL_USERS)
                .isGreaterThanOrEqualTo(summary.usersAtEnd());
        assertThat(summary.checkpoints()).isGreaterThanOrEqualTo(1);
        assertThat(summary.durationSec()).isBetween(25.0, 60.0);
        assertThat(summary.vectors())
                .as("every applied event yields a vector")
                .isPositive()
                .isLessThanOrEqualTo(summary.events());
        assertThat(summary.modelVersion()).isPositive();
        assertThat(summary.latencyP50Ms()).isNotNull().isPositive().isLessThanOrEqualTo(summary.latencyP99Ms());
        assertThat(Files.readString(summaryFile))
                .contains(
                        "\"vectors\"",
                        "\"latencyP50Ms\"",
                        "\"prequentialHr50\"",
                        "\"popularityHr50\"",
                        "\"modelVersion\"",
                        "\"fractionTrained\"");
        assertThat(Files.readString(summaryFile))
                .contains("\"events\"", "\"eventsPerSec\"", "\"dlq\"", "\"users\"", "\"checkpoints\"");
        assertThat(dir.resolve("data").resolve("checkpoints")).isDirectory();
    }
}
