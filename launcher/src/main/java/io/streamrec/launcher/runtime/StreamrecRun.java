package io.streamrec.launcher.runtime;

import io.streamrec.embedded.BindAddress;
import io.streamrec.embedded.EmbeddedKafkaBroker;
import io.streamrec.embedded.LiveMetrics;
import io.streamrec.embedded.LocalFlinkCluster;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.KafkaAccess;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.TopicSettingsCheck;
import io.streamrec.flink.job.Topics;
import io.streamrec.launcher.metrics.FlinkPrometheusMetrics;
import io.streamrec.launcher.metrics.MetricsSource;
import io.streamrec.launcher.metrics.PrometheusEndpoint;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.data.EventDataset;
import io.streamrec.schemas.UserEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code streamrec run}: Kafka (the embedded broker unless an external one is configured), the
 * topics, a local Flink cluster on RocksDB running the job, a replay of a dataset into the events
 * topic (with, when the job runs the model loop, a watch on user-vectors for the event-to-vector latency),
 * and a progress line every few seconds, until the duration is over, the job ends, or
 * {@link #stop()} is called (Ctrl-C). Everything it started is stopped in reverse order.
 */
public final class StreamrecRun {

    private static final Logger LOG = LoggerFactory.getLogger(StreamrecRun.class);
    private static final String JOB_NAME = "streamrec";

    /** Builds the streaming job on an environment; {@code StreamrecPipeline::build} in production. */
    @FunctionalInterface
    public interface JobDefinition {
        void build(StreamExecutionEnvironment env, StreamrecJobConfig cfg);
    }

    /** A dataset and how to replay it into the events topic. */
    public record Replay(EventDataset dataset, EventReplayer replayer) {
        public Replay {
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(replayer, "replayer");
        }
    }

    /**
     * @param duration how long to run after the job is submitted; empty runs until {@link #stop()}
     * @param progressInterval time between progress lines
     * @param topicPartitions partitions of topics this run creates (existing topics are left alone)
     * @param warmup time after job submission left out of the steady-state figures ({@link SteadyState}); zero
     *     for none
     * @param bindAddress the address the embedded broker and Flink cluster listen on ({@link BindAddress})
     */
    public record Settings(
            Optional<Duration> duration,
            Duration progressInterval,
            int topicPartitions,
            Duration warmup,
            String bindAddress) {

        /** Settings without a warm-up. */
        public Settings(Optional<Duration> duration, Duration progressInterval, int topicPartitions) {
            this(duration, progressInterval, topicPartitions, Duration.ZERO);
        }

        /** Settings listening on loopback only. */
        public Settings(Optional<Duration> duration, Duration progressInterval, int topicPartitions, Duration warmup) {
            this(duration, progressInterval, topicPartitions, warmup, BindAddress.LOOPBACK);
        }

        /** These settings with the embedded listeners on {@code address}. */
        public Settings withBindAddress(String address) {
            return new Settings(duration, progressInterval, topicPartitions, warmup, address);
        }

        public Settings {
            BindAddress.validate(bindAddress);
            if (warmup.isNegative()) {
                throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
            }
            duration.ifPresent(d -> {
                if (d.compareTo(warmup) <= 0 && !warmup.isZero()) {
                    throw new IllegalArgumentException("--warmup (" + warmup.toSeconds() + " s) must be shorter than"
                            + " --duration (" + d.toSeconds() + " s): nothing would be measured");
                }
            });
            duration.ifPresent(d -> {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("--duration must be positive, got " + d.toSeconds() + " s;"
                            + " leave it out to run until Ctrl-C");
                }
            });
            if (progressInterval.isNegative() || progressInterval.isZero()) {
                throw new IllegalArgumentException("--progress-interval must be positive, got " + progressInterval);
            }
            if (topicPartitions < 1) {
                throw new IllegalArgumentException("--partitions must be at least 1, got " + topicPartitions);
            }
        }
    }

    private final StreamrecJobConfig config;
    private final boolean embeddedKafka;
    private final JobDefinition job;
    private final Optional<Replay> replay;
    private final Settings settings;
    private final PrintWriter out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final List<RunCompanion> companions = new ArrayList<>();
    private OptionalInt prometheusPort = OptionalInt.empty();

    /**
     * @param embeddedKafka start a broker in this JVM and point {@code config} at it; otherwise use
     *     {@code config.get(JobOptions.BOOTSTRAP_SERVERS)}
     */
    public StreamrecRun(
            StreamrecJobConfig config,
            boolean embeddedKafka,
            JobDefinition job,
            Optional<Replay> replay,
            Settings settings,
            PrintWriter out) {
        this.config = config;
        this.embeddedKafka = embeddedKafka;
        this.job = job;
        this.replay = replay;
        this.settings = settings;
        this.out = out;
    }

    /** Starts {@code companion} beside the job once it runs (the launcher's serving API). */
    public StreamrecRun withCompanion(RunCompanion companion) {
        companions.add(companion);
        return this;
    }

    /**
     * Serves the run's metrics in the Prometheus format at {@code http://ADDRESS:PORT/metrics} (the run's bind address,
     * loopback unless {@code --bind-address} says otherwise): the job's, named as
     * Flink's Prometheus reporter names them on a cluster (so the dashboard in {@code monitoring/} reads both), and
     * what else the run starts adds its own. Port 0 picks a free one; the address is printed.
     */
    public StreamrecRun withPrometheusEndpoint(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--prometheus-port must be between 0 and 65535, got " + port);
        }
        this.prometheusPort = OptionalInt.of(port);
        return this;
    }

    /** Asks a running {@link #execute()} to stop everything and return its summary; does not wait. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Runs until the duration is over, the job ends or {@link #stop} is called; returns the summary. */
    public RunSummary execute() throws Exception {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            return runStarting(started);
        } finally {
            closeAll(started);
        }
    }

    private RunSummary runStarting(Deque<AutoCloseable> started) throws Exception {
        // first, so that a port taken fails the run before anything slow has started
        Optional<PrometheusEndpoint> endpoint = startPrometheusEndpoint(started);
        StreamrecJobConfig cfg = connectKafka(started);
        KafkaAccess kafka = cfg.kafkaAccess();
        Topics.createIfAbsent(kafka, cfg.requiredTopics(settings.topicPartitions()));
        TopicSettingsCheck.check(cfg);

        Configuration flinkConfig = cfg.flinkConfiguration();
        LiveMetrics metrics = LiveMetrics.register(flinkConfig);
        started.push(metrics);
        if (endpoint.isPresent()) {
            FlinkPrometheusMetrics flinkMetrics = FlinkPrometheusMetrics.register(flinkConfig);
            started.push(flinkMetrics);
            endpoint.get().add(flinkMetrics);
        }
        LocalFlinkCluster cluster =
                LocalFlinkCluster.start(flinkConfig, cfg.get(JobOptions.PARALLELISM), settings.bindAddress());
        started.push(cluster);
        StreamExecutionEnvironment env = cluster.newEnvironment();
        job.build(env, cfg);
        JobID jobId = cluster.submit(env, JOB_NAME);
        started.push(() -> cluster.cancel(jobId));
        long submittedNanos = System.nanoTime();
        JobWatch watch = new JobWatch(cluster, jobId, metrics, cfg.get(JobOptions.RESTART_ATTEMPTS));
        say(
                "Flink job %s running on a local cluster (parallelism %d, RocksDB, checkpoints every %d s into %s)",
                jobId,
                cfg.get(JobOptions.PARALLELISM),
                cfg.get(JobOptions.CHECKPOINT_INTERVAL).toSeconds(),
                cfg.checkpointDirUri());

        Optional<VectorLatency> latency = Optional.empty();
        Optional<ModelUpdatesWatch> modelUpdates = Optional.empty();
        if (cfg.get(JobOptions.VECTORS)) {
            latency = Optional.of(new VectorLatency(kafka, cfg.topics().userVectors()));
            started.push(latency.get());
            modelUpdates = Optional.of(new ModelUpdatesWatch(kafka, cfg.topics().modelUpdates()));
            started.push(modelUpdates.get());
            say(
                    "Model '%s': trainer publishes to '%s', encoders write user vectors to '%s'",
                    cfg.get(ModelSettings.MODEL),
                    cfg.topics().modelUpdates(),
                    cfg.topics().userVectors());
        }
        Consumer<MetricsSource> companionMetrics =
                endpoint.<Consumer<MetricsSource>>map(e -> e::add).orElse(source -> {});
        for (RunCompanion companion : companions) {
            started.push(companion.start(cfg, replay.map(Replay::dataset), out, companionMetrics));
        }
        ObjLongConsumer<String> onSent =
                latency.<ObjLongConsumer<String>>map(l -> l::sent).orElse((eventId, epochMillis) -> {});
        RecordSender sender = new RecordSender(kafka, cfg.topics().events(), "streamrec-replay");
        started.push(sender);
        AtomicReference<Throwable> replayFailure = new AtomicReference<>();
        replay.ifPresent(
                r -> started.push(startReplay(r, sender, onSent, cfg.topics().events(), replayFailure)));

        TopicRecordCount deadLetters = new TopicRecordCount(kafka, cfg.topics().eventsDlq());
        started.push(deadLetters);
        JobProbe probe = new JobProbe(metrics, deadLetters, sender::acknowledged, submittedNanos, latency, watch::last);
        AtomicReference<JobProgress> previous = new AtomicReference<>(JobProgress.startingAt(submittedNanos));
        started.push(new ProgressTicker(out, settings.progressInterval().toMillis() / 1000.0, () -> {
            JobProgress now = probe.read();
            return now.formatLine(previous.getAndSet(now), secondsSince(submittedNanos));
        }));

        Warmup warmup = new Warmup(probe, latency);
        awaitEnd(watch, submittedNanos, replayFailure, warmup);
        JobProgress last = probe.read();
        double busySec = (probe.lastAdvance().atNanos() - submittedNanos) / 1e9;
        RunSummary summary = RunSummary.of(
                last, busySec, probe.peakUsers(), secondsSince(submittedNanos), cfg.get(JobOptions.BOOTSTRAP_SERVERS));
        say(last.formatLine(previous.get(), secondsSince(submittedNanos)));
        if (warmup.end != null) {
            ModelUpdatesWatch.DeltaIntervals deltas = modelUpdates
                    .map(w -> w.deltaIntervalsSince(warmup.endEpochMillis))
                    .orElse(ModelUpdatesWatch.DeltaIntervals.NONE);
            SteadyState steady =
                    SteadyState.between(warmup.end, last, settings.warmup().toMillis() / 1000.0, warmup.maxLag, deltas);
            say("After the %.0f s warm-up, over %.0f s: %s", steady.warmupSec(), steady.windowSec(), steady.describe());
            summary = summary.withSteady(steady);
        }
        return summary;
    }

    /**
     * The end of the warm-up and what is sampled after it: the reading the steady-state rates start from, and the
     * largest consumer lag seen since.
     */
    private static final class Warmup {
        private final JobProbe probe;
        private final Optional<VectorLatency> latency;
        private JobProgress end;
        private long endEpochMillis;
        private long maxLag;
        private long lastSampleNanos;

        Warmup(JobProbe probe, Optional<VectorLatency> latency) {
            this.probe = probe;
            this.latency = latency;
        }

        /** Called about every 200 ms: ends the warm-up when due, then samples the lag once a second. */
        void tick(long nowNanos, long warmupEndNanos) {
            if (nowNanos < warmupEndNanos) {
                return;
            }
            if (end == null) {
                endEpochMillis = System.currentTimeMillis();
                latency.ifPresent(l -> l.measureFrom(endEpochMillis));
                end = probe.read();
                lastSampleNanos = nowNanos;
            } else if (nowNanos - lastSampleNanos >= 1_000_000_000L) {
                lastSampleNanos = nowNanos;
                maxLag = Math.max(maxLag, SteadyState.lag(probe.read()));
            }
        }
    }

    private Optional<PrometheusEndpoint> startPrometheusEndpoint(Deque<AutoCloseable> started) {
        if (prometheusPort.isEmpty()) {
            return Optional.empty();
        }
        PrometheusEndpoint endpoint = PrometheusEndpoint.start(settings.bindAddress(), prometheusPort.getAsInt());
        started.push(endpoint);
        say("Prometheus metrics at %s", endpoint.url());
        return Optional.of(endpoint);
    }

    /** The job's configuration pointing at the Kafka of this run, starting the embedded broker if asked. */
    private StreamrecJobConfig connectKafka(Deque<AutoCloseable> started) {
        if (!embeddedKafka) {
            config.kafkaAccess().requireReachable(KafkaAccess.DEFAULT_CHECK_TIMEOUT);
            say("Using Kafka at %s", config.kafkaAccess().describe());
            return config;
        }
        // the run creates every topic it uses, with its settings (compaction, sizes); a topic created on the fly by a
        // client's request would lack them, and would hide a deleted topic from the job instead of failing it
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .brokerProperty("auto.create.topics.enable", "false")
                .bindAddress(settings.bindAddress())
                .start();
        started.push(broker);
        say(
                "Kafka broker (embedded, KRaft) listening at %s; other clients can connect with"
                        + " --bootstrap-servers %s",
                broker.bootstrapServers(), broker.bootstrapServers());
        return config.toBuilder()
                .set(JobOptions.BOOTSTRAP_SERVERS, broker.bootstrapServers())
                .build();
    }

    private AutoCloseable startReplay(
            Replay r,
            RecordSender sender,
            ObjLongConsumer<String> onSent,
            String topic,
            AtomicReference<Throwable> failure) {
        Thread thread = new Thread(
                () -> {
                    try (Stream<UserEvent> events = r.dataset().events()) {
                        long sent = r.replayer().replay(events, sender, onSent);
                        say(
                                "Replayed %,d events of %s into '%s'",
                                sent, r.dataset().name(), topic);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception | Error e) {
                        failure.set(e);
                        stopRequested.countDown();
                    }
                },
                "streamrec-replay");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            r.replayer().stop();
            thread.join(TimeUnit.SECONDS.toMillis(10));
        };
    }

    /**
     * Waits for the end of the run: the duration is over, {@link #stop()} was called, the replay failed, or the job
     * ended, failed for good or lost its cluster. Says so at once when the job fails and restarts.
     */
    private void awaitEnd(JobWatch watch, long submittedNanos, AtomicReference<Throwable> replayFailure, Warmup warmup)
            throws Exception {
        long deadline =
                settings.duration().map(d -> submittedNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        long warmupEnd = settings.warmup().isZero()
                ? Long.MAX_VALUE
                : submittedNanos + settings.warmup().toNanos();
        long restartsSeen = 0;
        while (!stopRequested.await(200, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            if (now >= deadline) {
                return;
            }
            warmup.tick(now, warmupEnd);
            JobState job = watch.read();
            if (job.failedForGood()) {
                say(
                        "[%6.1fs] The Flink job failed and cannot recover: %s",
                        secondsSince(submittedNanos),
                        job.clusterLost()
                                ? "the local Flink cluster lost its task manager"
                                        + job.lastFailure()
                                                .map(f -> "; last failure: " + f)
                                                .orElse("")
                                : job.lastFailure().orElse("no cause given"));
                return;
            }
            if (job.restarts() > restartsSeen) {
                restartsSeen = job.restarts();
                say(
                        "[%6.1fs] The Flink job failed; restart %d of %d, from its last checkpoint. Cause: %s",
                        secondsSince(submittedNanos),
                        job.restarts(),
                        job.maxRestarts(),
                        job.lastFailure().orElse("not given"));
            }
            if (job.status().isGloballyTerminalState()) {
                say("The Flink job ended (%s)", job.status());
                return;
            }
        }
        Throwable failure = replayFailure.get();
        if (failure != null) {
            throw new IllegalStateException("Replaying the dataset failed: " + failure.getMessage(), failure);
        }
    }

    private void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Could not stop {} cleanly: {}", resource, e.toString());
            }
        }
    }

    private void say(String format, Object... args) {
        synchronized (out) {
            out.println(args.length == 0 ? format : String.format(format, args));
            out.flush();
        }
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
