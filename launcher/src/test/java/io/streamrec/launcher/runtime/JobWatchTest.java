package io.streamrec.launcher.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.embedded.LiveMetrics;
import io.streamrec.embedded.LocalFlinkCluster;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;
import org.junit.jupiter.api.Test;

/** What {@code streamrec run} sees of its job: restarts with their cause, a failure for good, a lost cluster. */
class JobWatchTest {

    @Test
    void seesARestartWithItsCauseAndTheJobRunningAgain() throws Exception {
        try (Running running = Running.start(restarts(3), new FailOnceAfter(200))) {
            // the restart count (a metric) and the failure (the job's exception history) are read from two sources
            // that the JobManager updates one after the other: wait for both
            awaitUntil(() -> running.watch.read().restarts() == 1
                    && running.watch.last().status() == JobStatus.RUNNING
                    && running.watch.last().lastFailure().isPresent());

            JobState state = running.watch.last();
            assertThat(state.failedForGood()).isFalse();
            assertThat(state.lastFailure()).hasValue("IllegalStateException: failing once, as a test");
            assertThat(state.maxRestarts()).isEqualTo(3);
        }
    }

    @Test
    void aFailureNoRestartCanHelpEndsTheJobAtOnceWithOurMessage() throws Exception {
        try (Running running = Running.start(restarts(10), new FailForGoodAfter(100))) {
            awaitUntil(() -> running.watch.read().failedForGood());

            JobState state = running.watch.last();
            assertThat(state.status()).isEqualTo(JobStatus.FAILED);
            assertThat(state.restarts()).as("restarts suppressed").isZero();
            assertThat(state.summaryStatus()).isEqualTo("FAILED");
            assertThat(state.lastFailure())
                    .as("the message of our own exception, not Flink's wrapper")
                    .hasValue("topic 'x' is gone, as a test");
        }
    }

    @Test
    void aClusterThatLostItsTaskManagerIsNoticedAtOnce() throws Exception {
        try (Running running = Running.start(restarts(10), new FailOnceAfter(Long.MAX_VALUE))) {
            awaitUntil(() -> running.watch.read().status() == JobStatus.RUNNING);
            assertThat(running.watch.last().failedForGood()).isFalse();

            running.cluster.terminateTaskManager();

            awaitUntil(() -> running.watch.read().clusterLost());
            assertThat(running.watch.last().failedForGood()).isTrue();
            assertThat(running.watch.last().summaryStatus()).isEqualTo("FAILED");
        }
    }

    @Test
    void describesAFailureByOurOwnMessageElseByItsRootCause() {
        Exception ours = new ForTest("Kafka topic 'user-vectors' cannot be written: it does not exist");
        assertThat(JobWatch.describe(new RuntimeException("wrapper", new SuppressRestartsException(ours))))
                .isEqualTo(ours.getMessage());
        assertThat(JobWatch.describe(new RuntimeException("outer", new java.io.IOException("disk full"))))
                .isEqualTo("IOException: disk full");
    }

    private static Configuration restarts(int attempts) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, attempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        return conf;
    }

    /** A job of counted numbers through {@code failing}, on a local cluster, with a watch on it. */
    private record Running(LiveMetrics metrics, LocalFlinkCluster cluster, JobID job, JobWatch watch)
            implements AutoCloseable {

        static Running start(Configuration conf, RichMapFunction<Long, Long> failing) throws Exception {
            LiveMetrics metrics = LiveMetrics.register(conf);
            LocalFlinkCluster cluster = LocalFlinkCluster.start(conf, 1);
            StreamExecutionEnvironment env = cluster.newEnvironment();
            env.setParallelism(1);
            env.fromSource(
                            new DataGeneratorSource<>(
                                    i -> i, Long.MAX_VALUE, RateLimiterStrategy.perSecond(1_000), Types.LONG),
                            WatermarkStrategy.noWatermarks(),
                            "numbers")
                    .map(failing)
                    .addSink(new DiscardingSink<>());
            JobID job = cluster.submit(env, "job-watch-test");
            int attempts = conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS);
            return new Running(metrics, cluster, job, new JobWatch(cluster, job, metrics, attempts));
        }

        @Override
        public void close() throws Exception {
            try {
                cluster.close();
            } finally {
                metrics.close();
            }
        }
    }

    /** Fails its first attempt after {@code records} records; a restarted attempt runs on. */
    static final class FailOnceAfter extends RichMapFunction<Long, Long> {
        private final long records;
        private long seen;

        FailOnceAfter(long records) {
            this.records = records;
        }

        @Override
        public Long map(Long value) {
            if (++seen >= records && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                throw new IllegalStateException("failing once, as a test");
            }
            return value;
        }
    }

    /** Fails after {@code records} records in a way no restart can help. */
    static final class FailForGoodAfter extends RichMapFunction<Long, Long> {
        private final long records;
        private long seen;

        FailForGoodAfter(long records) {
            this.records = records;
        }

        @Override
        public Long map(Long value) {
            if (++seen >= records) {
                throw new SuppressRestartsException(new ForTest("topic 'x' is gone, as a test"));
            }
            return value;
        }
    }

    /** Stands for one of the project's own exceptions, whose message says what to change. */
    static final class ForTest extends RuntimeException {
        ForTest(String message) {
            super(message);
        }
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("condition not reached within 60 s")
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
