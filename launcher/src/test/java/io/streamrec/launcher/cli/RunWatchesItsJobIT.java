package io.streamrec.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.flink.state.UserStateOperator;
import io.streamrec.launcher.runtime.EventEncoders;
import io.streamrec.launcher.runtime.EventReplayer;
import io.streamrec.launcher.runtime.ReplayPace;
import io.streamrec.launcher.runtime.RunSummary;
import io.streamrec.launcher.runtime.StreamrecRun;
import io.streamrec.model.data.EventDataset;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.ingest.WireFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code streamrec run} watches its job: a transient failure shows as a restart from the last checkpoint, and a
 * failure no restart can help (a sink topic deleted while the job runs, on a broker that does not create topics by
 * itself) ends the run within seconds with a non-zero exit code, the cause, and {@code FAILED} in the summary.
 */
class RunWatchesItsJobIT {

    private static final Logger LOG = LoggerFactory.getLogger(RunWatchesItsJobIT.class);

    @Test
    void aTransientFailureRestartsTheJobFromItsLastCheckpointAndTheRunSaysSo(@TempDir Path dir) throws Exception {
        StreamrecJobConfig config = StreamrecJobConfig.builder()
                .set(JobOptions.CHECKPOINT_DIR, dir.resolve("checkpoints").toString())
                .set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1))
                .set(JobOptions.RESTART_INITIAL_BACKOFF, Duration.ofMillis(200))
                .set(JobOptions.VECTORS, false)
                .set(JobOptions.READ_PROFILES, false)
                .build();
        StringWriter out = new StringWriter();
        StreamrecRun run = new StreamrecRun(
                config,
                true,
                (env, cfg) -> {
                    StreamrecPipeline.build(env, cfg);
                    userState(env)
                            .map(new FailOnceAfterACheckpoint<>())
                            .name("fails once, after a checkpoint")
                            .sinkTo(new DiscardingSink<>());
                },
                Optional.of(new StreamrecRun.Replay(
                        steadyEvents(20_000),
                        new EventReplayer(
                                EventEncoders.forFormat(WireFormat.JSON),
                                ReplayPace.wallClockRate(1_000),
                                Optional.empty()))),
                new StreamrecRun.Settings(Optional.of(Duration.ofSeconds(20)), Duration.ofSeconds(1), 2),
                new PrintWriter(out, true));

        RunSummary summary = run.execute();

        String printed = out.toString();
        assertThat(printed)
                .as(printed)
                .containsPattern("The Flink job failed; restart 1 of 10, from its last checkpoint\\. Cause: "
                        + "IllegalStateException: failing once, after checkpoint \\d+");
        assertThat(progressLines(printed))
                .as(printed)
                .anyMatch(line -> line.matches(".* \\| restarts 1 \\(from checkpoint [1-9]\\d*\\)$"))
                .noneMatch(line -> line.contains("-") && line.matches(".*\\(-[0-9,]+/s\\).*"));
        assertThat(summary.jobStatus()).isEqualTo("RUNNING");
        assertThat(summary.restarts()).isEqualTo(1);
        assertThat(summary.failureCause()).startsWith("IllegalStateException: failing once, after checkpoint");
        assertThat(summary.checkpoints()).isGreaterThanOrEqualTo(2);
        assertThat(summary.events())
                .as("the job consumed events again after the restart")
                .isGreaterThan(summary.eventsProduced() / 2);
    }

    @Test
    void aSinkTopicDeletedMidRunEndsTheRunWithinSecondsNamingTheTopic(@TempDir Path dir) throws Exception {
        Path summaryFile = dir.resolve("summary.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> StreamrecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(
                        "run",
                        "--duration",
                        "180",
                        "--summary-json",
                        summaryFile.toString(),
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--checkpoint-interval",
                        "2s",
                        "--progress-interval",
                        "1s",
                        "--model",
                        "meanpool",
                        "--limit",
                        "30000"));

        String bootstrap = awaitVectors(out, exit);
        long deletedAt = System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.deleteTopics(List.of("user-vectors")).all().get(30, TimeUnit.SECONDS);
        }
        int code = exit.get(120, TimeUnit.SECONDS);
        double secondsToExit = (System.nanoTime() - deletedAt) / 1e9;

        String printed = out.toString();
        LOG.info("The run ended {} s after user-vectors was deleted", String.format("%.1f", secondsToExit));
        assertThat(code).as(printed).isEqualTo(RunCommand.JOB_FAILED_EXIT_CODE);
        assertThat(secondsToExit)
                .as("from the deletion to the end of the run, shutdown included")
                .isLessThan(45);
        assertThat(printed).contains("The Flink job failed and cannot recover: Kafka topic 'user-vectors'");
        assertThat(err.toString())
                .contains("error: the Flink job failed and could not recover: Kafka topic 'user-vectors' cannot be"
                        + " written: it does not exist");
        RunSummary summary = RunSummary.readJson(summaryFile);
        assertThat(summary.jobStatus()).isEqualTo("FAILED");
        assertThat(summary.restarts()).as("no futile restarts").isZero();
        assertThat(summary.failureCause()).contains("'user-vectors'").contains("does not exist");
        assertThat(summary.vectors()).isPositive();
    }

    /** Waits until the run prints vectors flowing; returns the embedded broker's address. */
    private static String awaitVectors(StringWriter out, CompletableFuture<Integer> exit) throws InterruptedException {
        Pattern vectors = Pattern.compile("\\| vectors ([0-9,]+) ");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            assertThat(exit).as(out.toString()).isNotDone();
            Matcher m = vectors.matcher(out.toString());
            while (m.find()) {
                if (Long.parseLong(m.group(1).replace(",", "")) > 100) {
                    Matcher broker = Pattern.compile("listening at (127\\.0\\.0\\.1:\\d+)")
                            .matcher(out.toString());
                    assertThat(broker.find()).isTrue();
                    return broker.group(1);
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no vectors within 180 s:\n" + out);
    }

    /**
     * The user-state operator's output in the graph built on {@code env}: what the failing map hangs on, so that its
     * failure is one of the streamrec job's own tasks and restarts all of them.
     */
    @SuppressWarnings("unchecked")
    private static DataStream<FeatureSnapshot> userState(StreamExecutionEnvironment env) {
        Deque<Transformation<?>> pending = new ArrayDeque<>(env.getTransformations());
        while (!pending.isEmpty()) {
            Transformation<?> t = pending.pop();
            if (UserStateOperator.UID.equals(t.getUid())) {
                return new DataStream<>(env, (Transformation<FeatureSnapshot>) t);
            }
            pending.addAll(t.getInputs());
        }
        throw new AssertionError("no operator with uid " + UserStateOperator.UID);
    }

    private static List<String> progressLines(String printed) {
        return printed.lines().filter(l -> l.matches("\\[ *\\d+\\.\\ds] .*")).toList();
    }

    /** {@code count} events of 200 users stamped in the past minute, in event-time order. */
    private static EventDataset steadyEvents(long count) {
        long start = System.currentTimeMillis() - 60_000;
        return new EventDataset() {
            @Override
            public String name() {
                return "steady";
            }

            @Override
            public Stream<UserEvent> events() {
                return LongStream.range(0, count)
                        .mapToObj(i -> UserEvent.newBuilder()
                                .setEventId("e" + i)
                                .setUserId("u" + (i % 200))
                                .setItemId("i" + (i * 31 % 997))
                                .setEventType("view")
                                .setTimestamp(start + i * 60_000 / count)
                                .build());
            }

            @Override
            public List<UserProfile> profiles() {
                return List.of();
            }
        };
    }

    /**
     * Fails its first attempt on the first record after a checkpoint completed, so the restart has a checkpoint to
     * restore; a restarted attempt runs on.
     */
    static final class FailOnceAfterACheckpoint<T> extends RichMapFunction<T, T> implements CheckpointListener {
        private volatile long completed = -1;

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            completed = checkpointId;
        }

        @Override
        public T map(T value) {
            if (completed > 0 && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                throw new IllegalStateException("failing once, after checkpoint " + completed);
            }
            return value;
        }
    }
}
