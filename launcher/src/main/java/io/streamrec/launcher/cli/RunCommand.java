package io.streamrec.launcher.cli;

import io.streamrec.flink.job.KafkaAccess;
import io.streamrec.flink.job.StateCompression;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecJobConfig.StartingOffsets;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.flink.job.TopicNames;
import io.streamrec.flink.state.ApplyOrder;
import io.streamrec.flink.train.TrainerOperatorConfig;
import io.streamrec.launcher.runtime.RunCompanion;
import io.streamrec.launcher.runtime.RunSummary;
import io.streamrec.launcher.runtime.StreamrecRun;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.validate.ValidationLimits;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamrec run}: the streaming job with everything it needs, in this JVM. Every job option
 * maps onto one {@link StreamrecJobConfig} setting, whose defaults the help text shows.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = RunDefaults.class,
        description = {
            "Runs the streamrec job on a local Flink cluster (RocksDB state) in this JVM. Without"
                    + " --bootstrap-servers it also starts a Kafka broker in this JVM and prints its address."
                    + " It replays a dataset into the events topic (the bundled MovieLens ml-latest-small by"
                    + " default) and prints progress every few seconds. Ctrl-C stops everything cleanly.",
        })
public final class RunCommand implements Callable<Integer> {

    /** The exit code of a run whose job failed for good (2 is a bad option or input). */
    static final int JOB_FAILED_EXIT_CODE = 1;

    /** How long Ctrl-C waits for the run to stop everything and write its summary. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    // ---- run

    @Option(
            names = "--duration",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Stop after this long (e.g. 60, 90s, 10m). Default: run until Ctrl-C.")
    Duration duration;

    @Option(
            names = "--warmup",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Leave this first part of the run out of the steady-state figures (rates, consumer lag,"
                    + " latency percentiles, delta interval) printed at the end and written as 'steady' in the"
                    + " summary JSON. Default: no warm-up and no steady-state figures.")
    Duration warmup;

    @Option(
            names = "--summary-json",
            paramLabel = "FILE",
            description = "At the end, write a JSON summary (events, eventsPerSec, dlq, users, checkpoints, vectors,"
                    + " latencyP50Ms, latencyP99Ms, prequentialHr50, popularityHr50, modelVersion, jobStatus,"
                    + " restarts, failureCause, ...). A job that failed for good ends the run with exit code 1.")
    Path summaryJson;

    @Option(
            names = "--prometheus-port",
            paramLabel = "PORT",
            description = "Serve the run's metrics in the Prometheus format at http://ADDRESS:PORT/metrics (ADDRESS:"
                    + " --bind-address, loopback by default): the job's, named as on a Flink cluster, and the serving"
                    + " API's, so the Grafana dashboard in monitoring/ reads them; 0 picks a free port. Default: off.")
    Integer prometheusPort;

    @Option(
            names = "--progress-interval",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Time between progress lines. Default: ${DEFAULT-VALUE}.")
    Duration progressInterval;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Local folder for checkpoints (<DIR>/checkpoints). Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(
            names = "--no-replay",
            description = "Replay nothing: the job only consumes what is (or will be) on the events topic.")
    boolean noReplay;

    @Mixin
    DatasetOptions dataset;

    @Mixin
    ReplayOptions replay;

    // ---- model (DESIGN.md §6-§8)

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "The model trained and encoded: sdm, sine or meanpool. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(
            names = "--vectors",
            negatable = true,
            fallbackValue = "true",
            description = "Train the model and publish user vectors (--no-vectors: ingestion and user state only)."
                    + " Default: ${DEFAULT-VALUE}.")
    boolean vectors;

    @Option(
            names = "--delta-interval",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description =
                    "Longest time between two model deltas (the trainer asks one training round early). Default: ${DEFAULT-VALUE}.")
    Duration deltaInterval;

    // ---- Kafka

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Use this Kafka instead of starting one in this JVM.")
    String bootstrapServers;

    @Option(
            names = "--bind-address",
            paramLabel = "ADDRESS",
            description = "Where this JVM's listeners bind (the embedded Kafka broker; Flink's REST API, RPC and blob"
                    + " server; the serving API beside the job): loopback by default, so nothing faces the network, since Flink's REST API runs any"
                    + " jar it is sent. An interface's address, or 0.0.0.0 for every interface, opens them on"
                    + " purpose. Default: ${DEFAULT-VALUE}.")
    String bindAddress;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Partitions of the topics this run creates (existing topics are left as they are)."
                    + " Default: the parallelism.")
    Integer partitions;

    @Option(names = "--events-topic", paramLabel = "NAME", description = "Default: ${DEFAULT-VALUE}.")
    String eventsTopic;

    @Option(names = "--dlq-topic", paramLabel = "NAME", description = "Dead letters. Default: ${DEFAULT-VALUE}.")
    String dlqTopic;

    @Option(
            names = "--profiles-topic",
            paramLabel = "NAME",
            description = "Compacted user profiles. Default: ${DEFAULT-VALUE}.")
    String profilesTopic;

    @Option(
            names = "--user-features-topic",
            paramLabel = "NAME",
            description =
                    "Debug topic of every feature snapshot (see --publish-user-features). Default: ${DEFAULT-VALUE}.")
    String userFeaturesTopic;

    @Option(
            names = "--user-vectors-topic",
            paramLabel = "NAME",
            description = "Compacted user vectors. Default: ${DEFAULT-VALUE}.")
    String userVectorsTopic;

    @Option(
            names = "--model-updates-topic",
            paramLabel = "NAME",
            description = "Model snapshots and deltas. Default: ${DEFAULT-VALUE}.")
    String modelUpdatesTopic;

    @Option(
            names = "--read-profiles",
            negatable = true,
            fallbackValue = "true",
            description = "Join the user-profiles topic. Default: ${DEFAULT-VALUE}.")
    boolean readProfiles;

    @Option(
            names = "--publish-user-features",
            description =
                    "Publish every feature snapshot as JSON on the user-features topic. Default: ${DEFAULT-VALUE}.")
    boolean publishUserFeatures;

    @Option(
            names = "--consumer-group",
            paramLabel = "ID",
            description = "Consumer group of the job's sources. Default: ${DEFAULT-VALUE}.")
    String consumerGroup;

    @Option(
            names = "--starting-offsets",
            paramLabel = "WHERE",
            description = "Where the sources start: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    StartingOffsets startingOffsets;

    @Option(
            names = "--delivery-guarantee",
            paramLabel = "GUARANTEE",
            converter = DeliveryGuaranteeConverter.class,
            description = "Of the Kafka sinks: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    DeliveryGuarantee deliveryGuarantee;

    @Option(
            names = "--transactional-id-prefix",
            paramLabel = "PREFIX",
            description =
                    "Exactly-once only: Kafka transactional id prefix, unique per job. Default: the consumer group.")
    String transactionalIdPrefix;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "Extra Kafka client property for every client of the run: the job's sources and sinks and"
                    + " the run's own (e.g. security.protocol=SASL_SSL). Overrides --kafka-properties-file.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--kafka-properties-file",
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.mechanism, sasl.jaas.config,"
                    + " ssl.truststore.location, ...) for every client of the run. Keeps secrets off the command"
                    + " line; a value may name one kept elsewhere with Kafka's config providers (${file:PATH:KEY},"
                    + " ${env:NAME}). Secrets are never printed.")
    Path kafkaPropertiesFile;

    // ---- Flink

    @Option(names = "--parallelism", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int parallelism;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(
            names = "--incremental-checkpoints",
            negatable = true,
            fallbackValue = "true",
            description = "RocksDB incremental checkpoints. Default: ${DEFAULT-VALUE}.")
    boolean incrementalCheckpoints;

    @Option(
            names = "--restart-attempts",
            paramLabel = "N",
            description = "Restarts from the last checkpoint after a failure before the job fails for good (exponential"
                    + " delay; the count starts again after an hour without failure); 0 never restarts."
                    + " Default: ${DEFAULT-VALUE}.")
    int restartAttempts;

    @Option(
            names = "--restart-initial-backoff",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Wait before the first restart, doubled for each further one. Default: ${DEFAULT-VALUE}.")
    Duration restartInitialBackoff;

    @Option(
            names = "--restart-max-backoff",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Longest wait between two restarts. Default: ${DEFAULT-VALUE}.")
    Duration restartMaxBackoff;

    @Option(
            names = "--restore-from",
            paramLabel = "PATH",
            description = "Resume from a retained checkpoint (<data-dir>/checkpoints/<job>/chk-<n>) or a savepoint.")
    String restoreFrom;

    @Option(
            names = "--max-out-of-orderness",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "How late an event may arrive and still be applied in order (= allowed lateness;"
                    + " later ones go to the DLQ as 'late'). Default: ${DEFAULT-VALUE}.")
    Duration maxOutOfOrderness;

    @Option(
            names = "--max-future-skew",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "How far ahead of this machine's clock an event time may be; later ones go to the DLQ as"
                    + " 'timestamp-in-future'. Keep it within the events topic's message.timestamp.after.max.ms"
                    + " (Kafka's default 1h). Default: ${DEFAULT-VALUE}.")
    Duration maxFutureSkew;

    @Option(
            names = "--max-waiting-events",
            paramLabel = "N",
            description = "Events each user-state subtask holds while they wait for the watermark; past it the"
                    + " earliest are applied early. Default: ${DEFAULT-VALUE}.")
    int maxWaitingEvents = StreamrecJobConfig.DEFAULT_MAX_WAITING_EVENTS;

    @Option(
            names = "--apply-order",
            paramLabel = "ORDER",
            converter = ApplyOrderConverter.class,
            description = "arrival: apply each user's event and emit its vector as it arrives (an event older than"
                    + " the user's last one is re-inserted in event-time order and the corrected state emitted);"
                    + " event-time: hold events until the watermark passes them, for exact event-time replays."
                    + " Default: ${DEFAULT-VALUE}.")
    ApplyOrder applyOrder = StreamrecJobConfig.DEFAULT_APPLY_ORDER;

    /** Parses {@code --apply-order}. */
    static final class ApplyOrderConverter implements CommandLine.ITypeConverter<ApplyOrder> {
        @Override
        public ApplyOrder convert(String value) {
            try {
                return ApplyOrder.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Option(
            names = "--source-idleness",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description =
                    "A partition silent this long stops holding back event time; 0 never. Default: ${DEFAULT-VALUE}.")
    Duration sourceIdleness;

    @Option(
            names = "--watermark-interval",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "How often the sources emit watermarks; events wait for one in user state."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration watermarkInterval;

    @Option(
            names = "--buffer-timeout",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Longest a partly filled network buffer waits before it is sent; 0 sends every record."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration bufferTimeout;

    @Option(
            names = "--managed-memory",
            paramLabel = "SIZE",
            converter = MemorySizeConverter.class,
            description = "Flink managed memory of the local cluster, shared by RocksDB's memtables and block cache"
                    + " (a cluster's task managers set their own). Default: ${DEFAULT-VALUE}.")
    MemorySize managedMemory;

    @Option(
            names = "--rocksdb-write-buffer",
            paramLabel = "SIZE",
            converter = MemorySizeConverter.class,
            description = "RocksDB memtable size per state; recently active users are read from it."
                    + " Default: ${DEFAULT-VALUE}.")
    MemorySize rocksdbWriteBufferSize;

    @Option(
            names = "--rocksdb-bloom-filter",
            negatable = true,
            fallbackValue = "true",
            description =
                    "Bloom filters in RocksDB's state files and memtables, so a read skips those that lack the user."
                            + " Default: ${DEFAULT-VALUE}.")
    boolean rocksdbBloomFilter;

    @Option(
            names = "--state-compression",
            paramLabel = "CODEC",
            description =
                    "How RocksDB compresses the state files: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    StateCompression stateCompression;

    // ---- user state (DESIGN.md §5)

    @Option(
            names = "--session-gap",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "A gap longer than this starts a new session. Default: ${DEFAULT-VALUE}.")
    Duration sessionGap;

    @Option(
            names = "--max-session-items",
            paramLabel = "N",
            description = "A session this long is closed. Default: ${DEFAULT-VALUE}.")
    int maxSessionItems;

    @Option(
            names = "--long-term-retention",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Earlier sessions kept as long-term history. Default: ${DEFAULT-VALUE}.")
    Duration longTermRetention;

    @Option(
            names = "--max-long-term-per-feature",
            paramLabel = "N",
            description = "Most long-term entries per feature. Default: ${DEFAULT-VALUE}.")
    int maxLongTermPerFeature;

    private final List<RunCompanion> companions = new ArrayList<>();
    private volatile StreamrecRun running;
    private volatile boolean stopRequested;

    /** Starts {@code companion} beside the job of every run (the launcher adds the serving API this way). */
    public RunCommand withCompanion(RunCompanion companion) {
        companions.add(companion);
        return this;
    }

    /** The address this run's listeners bind to ({@code --bind-address}), for the companions that listen too. */
    public String bindAddress() {
        return bindAddress;
    }

    /**
     * Asks the run in progress (or the next, if none has started yet) to stop as Ctrl-C does; does not wait. For
     * programs and tests that start {@code run} on their own thread.
     */
    public void stop() {
        stopRequested = true;
        StreamrecRun current = running;
        if (current != null) {
            current.stop();
        }
    }

    @Override
    public Integer call() throws Exception {
        StreamrecJobConfig config = jobConfig();
        Optional<StreamrecRun.Replay> events = noReplay
                ? Optional.empty()
                : Optional.of(new StreamrecRun.Replay(dataset.open(), replay.replayer(dataset)));
        StreamrecRun.Settings settings = new StreamrecRun.Settings(
                        Optional.ofNullable(duration),
                        progressInterval,
                        partitions == null ? config.parallelism() : partitions,
                        warmup == null ? Duration.ZERO : warmup)
                .withBindAddress(bindAddress);
        PrintWriter out = spec.commandLine().getOut();
        StreamrecRun run =
                new StreamrecRun(config, bootstrapServers == null, StreamrecPipeline::build, events, settings, out);
        if (prometheusPort != null) {
            run.withPrometheusEndpoint(prometheusPort);
        }
        companions.forEach(run::withCompanion);
        running = run;
        if (stopRequested) {
            run.stop();
        }

        CountDownLatch done = new CountDownLatch(1);
        Thread onCtrlC = new Thread(
                () -> {
                    out.println("Stopping: cancelling the job, stopping Flink and Kafka ...");
                    out.flush();
                    run.stop();
                    try {
                        done.await(SHUTDOWN_WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "streamrec-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            RunSummary summary = run.execute();
            if (summaryJson != null) {
                summary.writeJson(summaryJson);
                out.printf("Summary written to %s%n", summaryJson.toAbsolutePath());
            }
            if (summary.jobFailed()) {
                spec.commandLine()
                        .getErr()
                        .println(spec.commandLine()
                                .getColorScheme()
                                .errorText("error: the Flink job failed and could not recover: "
                                        + (summary.failureCause() == null ? "see the log" : summary.failureCause())));
                return JOB_FAILED_EXIT_CODE;
            }
            return 0;
        } finally {
            done.countDown();
            removeHook(onCtrlC);
        }
    }

    /** Maps the options onto the job's one configuration, which validates them all at once. */
    StreamrecJobConfig jobConfig() {
        HistoryPolicy history = HistoryPolicy.builder()
                .sessionGap(sessionGap)
                .maxSessionItems(maxSessionItems)
                .longTermRetention(longTermRetention)
                .maxLongTermPerFeature(maxLongTermPerFeature)
                .build();
        StreamrecJobConfig.Builder b = StreamrecJobConfig.builder()
                .topics(TopicNames.defaults()
                        .withEvents(eventsTopic)
                        .withEventsDlq(dlqTopic)
                        .withUserProfiles(profilesTopic)
                        .withUserFeatures(userFeaturesTopic)
                        .withUserVectors(userVectorsTopic)
                        .withModelUpdates(modelUpdatesTopic))
                .encodeUserVectors(vectors)
                .model(model)
                .eventFormat(replay.format)
                .historyPolicy(history)
                .readProfiles(readProfiles)
                .publishUserFeatures(publishUserFeatures)
                .consumerGroup(consumerGroup)
                .startingOffsets(startingOffsets)
                .deliveryGuarantee(deliveryGuarantee)
                .transactionalIdPrefix(transactionalIdPrefix)
                .parallelism(parallelism)
                .checkpointInterval(checkpointInterval)
                .checkpointDir(dataDir.resolve("checkpoints"))
                .incrementalCheckpoints(incrementalCheckpoints)
                .restoreFrom(restoreFrom)
                .restartAttempts(restartAttempts)
                .restartInitialBackoff(restartInitialBackoff)
                .restartMaxBackoff(restartMaxBackoff)
                .validationLimits(ValidationLimits.defaults().withMaxFutureSkew(maxFutureSkew))
                .maxOutOfOrderness(maxOutOfOrderness)
                .maxWaitingEvents(maxWaitingEvents)
                .applyOrder(applyOrder)
                .sourceIdleness(sourceIdleness)
                .watermarkInterval(watermarkInterval)
                .bufferTimeout(bufferTimeout)
                .managedMemory(managedMemory)
                .rocksdbWriteBufferSize(rocksdbWriteBufferSize)
                .rocksdbBloomFilter(rocksdbBloomFilter)
                .stateCompression(stateCompression);
        if (bootstrapServers != null) {
            b.bootstrapServers(bootstrapServers);
        }
        if (Encoders.names().contains(model)) { // an unknown name is reported with every other problem below
            b.trainer(TrainerOperatorConfig.builder()
                    .encoder(model)
                    .deltaInterval(deltaInterval)
                    .build());
        }
        KafkaAccess.merge(kafkaPropertiesFile, kafkaProperties).forEach(b::kafkaProperty);
        return b.build();
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and waits for this method's caller to finish
        }
    }
}
