package io.streamrec.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;
import org.junit.jupiter.api.Test;

class LiveMetricsTest {

    static final String GROUP = "liveTest";
    static final String COUNTER = "testRecordsSeen";

    @Test
    void readsOperatorCountersAndCheckpointCountOfARunningJobAndForgetsThemWhenItStops() throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        try (LiveMetrics live = LiveMetrics.register(conf);
                LocalFlinkCluster cluster = LocalFlinkCluster.start(conf, 2)) {
            StreamExecutionEnvironment env = cluster.newEnvironment();
            env.setParallelism(2);
            env.fromSource(
                            new DataGeneratorSource<>(
                                    i -> i, Long.MAX_VALUE, RateLimiterStrategy.perSecond(2_000), Types.LONG),
                            WatermarkStrategy.noWatermarks(),
                            "numbers")
                    .map(new CountingMap())
                    .addSink(new DiscardingSink<>());
            JobID job = cluster.submit(env, "live-metrics-test");

            awaitUntil(() -> live.sum(GROUP, COUNTER) >= 1_000 && live.max("numberOfCompletedCheckpoints") >= 1);
            assertThat(live.has(COUNTER)).isTrue();
            assertThat(live.sum("otherGroup", COUNTER))
                    .as("the group narrows the match")
                    .isZero();
            long seen = live.sum(GROUP, COUNTER);
            awaitUntil(() -> live.sum(GROUP, COUNTER) > seen);

            cluster.cancel(job);
            awaitUntil(() -> !live.has(COUNTER));
            assertThat(live.sum(GROUP, COUNTER)).isZero();
            assertThat(live.total(GROUP, COUNTER))
                    .as("the final counts of the removed counters")
                    .isGreaterThan(seen);
        }
    }

    @Test
    void totalsNeverStepBackWhenARestartedJobsCountersStartFromZero() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        try (LiveMetrics live = LiveMetrics.register(conf);
                LocalFlinkCluster cluster = LocalFlinkCluster.start(conf, 1)) {
            StreamExecutionEnvironment env = cluster.newEnvironment();
            env.setParallelism(1);
            env.fromSource(
                            new DataGeneratorSource<>(
                                    i -> i, Long.MAX_VALUE, RateLimiterStrategy.perSecond(2_000), Types.LONG),
                            WatermarkStrategy.noWatermarks(),
                            "numbers")
                    .map(new CountingMap())
                    .map(new FailOnceAfter(500))
                    .addSink(new DiscardingSink<>());
            JobID job = cluster.submit(env, "live-metrics-restart-test");

            long highest = 0;
            long stepsBack = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (live.max("numRestarts") < 1 || live.sum(GROUP, COUNTER) < 500) {
                assertThat(System.nanoTime()).as("restarted and counting again").isLessThan(deadline);
                long total = live.total(GROUP, COUNTER);
                assertThat(total).as("total after %d", highest).isGreaterThanOrEqualTo(highest);
                stepsBack += live.sum(GROUP, COUNTER) < highest ? 1 : 0;
                highest = total;
                Thread.sleep(20);
            }
            assertThat(stepsBack)
                    .as("the live counters started again from zero")
                    .isPositive();
            assertThat(live.total(GROUP, COUNTER))
                    .as("the failed attempt's 500 and the new attempt's")
                    .isGreaterThanOrEqualTo(1_000);
            cluster.cancel(job);
        }
    }

    @Test
    void fractionalGaugesAreReadAsDoublesAndAbsentOnesAsNaN() {
        try (LiveMetrics live = LiveMetrics.register(new Configuration())) {
            assertThat(live.value("trainer", "prequentialHr50")).isNaN();
            live.added((Gauge<Double>) () -> 0.375, "prequentialHr50", new String[] {"job", "trainer"});
            live.added((Gauge<Double>) () -> 0.25, "prequentialHr50", new String[] {"job", "other"});
            live.added((Gauge<Long>) () -> 7L, "modelVersion", new String[] {"job", "trainer"});

            assertThat(live.value("trainer", "prequentialHr50")).isEqualTo(0.375);
            assertThat(live.value("trainer", "modelVersion")).isEqualTo(7.0);
            assertThat(live.sum("trainer", "prequentialHr50"))
                    .as("the long view truncates")
                    .isZero();
        }
    }

    @Test
    void aClosedRegistryCannotBeFoundByTheReporterFactory() {
        Configuration conf = new Configuration();
        LiveMetrics live = LiveMetrics.register(conf);
        String id =
                conf.toMap().get("metrics.reporter." + LiveMetrics.REPORTER_NAME + "." + LiveMetrics.REGISTRY_ID_KEY);
        assertThat(LiveMetrics.lookup(id)).contains(live);
        live.close();
        assertThat(LiveMetrics.lookup(id)).isEmpty();
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

    static final class CountingMap extends RichMapFunction<Long, Long> {
        private transient Counter seen;

        @Override
        public void open(OpenContext context) {
            seen = getRuntimeContext().getMetricGroup().addGroup(GROUP).counter(COUNTER);
        }

        @Override
        public Long map(Long value) {
            seen.inc();
            return value;
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
}
