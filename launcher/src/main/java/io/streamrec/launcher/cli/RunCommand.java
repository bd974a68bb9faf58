package io.streamrec.launcher.cli;

import io.streamrec.config.InvalidConfigException;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.embedded.BindAddress;
import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.StreamrecPipeline;
import io.streamrec.launcher.runtime.RunCompanion;
import io.streamrec.launcher.runtime.RunSummary;
import io.streamrec.launcher.runtime.StreamrecRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamrec run}: the streaming job with everything it needs, in this JVM. The options of the run itself are
 * declared here; every option of the job comes from {@link JobOptions#TABLE}, with its help and default, and the job
 * checks them all together ({@link StreamrecJobConfig#fromStrings}).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = DatasetOptions.Defaults.class,
        modelTransformer = RunCommand.WithJobOptions.class,
        description = {
            "Runs the streamrec job on a local Flink cluster (RocksDB state) in this JVM. Without"
                    + " --bootstrap-servers it also starts a Kafka broker in this JVM and prints its address."
                    + " It replays a dataset into the events topic (the bundled MovieLens ml-latest-small by"
                    + " default) and prints progress every few seconds. Ctrl-C stops everything cleanly.",
        })
public final class RunCommand implements Callable<Integer> {

    /** The exit code of a run whose job failed for good (2 is a bad option or input). */
    static final int JOB_FAILED_EXIT_CODE = 1;

    /** The run's local folder when none is given. */
    static final String DATA_DIR = "streamrec-data";

    /** Older spellings of job options, still accepted. */
    private static final Map<String, String> ALIASES = Map.of(JobOptions.EVENT_FORMAT.key(), "--format");

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

    @Mixin
    ProgressOptions progress;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Local folder of the run: checkpoints go to <DIR>/checkpoints unless --checkpoint-dir says"
                    + " otherwise. Default: ${DEFAULT-VALUE}.",
            defaultValue = DATA_DIR)
    Path dataDir;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Partitions of the topics this run creates (existing topics are left as they are)."
                    + " Default: the parallelism.")
    Integer partitions;

    @Option(
            names = "--bind-address",
            paramLabel = "ADDRESS",
            defaultValue = BindAddress.LOOPBACK,
            description = "Where this JVM's listeners bind (the embedded Kafka broker; Flink's REST API, RPC and blob"
                    + " server; the serving API beside the job): loopback by default, so nothing faces the network, since Flink's REST API runs any"
                    + " jar it is sent. An interface's address, or 0.0.0.0 for every interface, opens them on"
                    + " purpose. Default: ${DEFAULT-VALUE}.")
    String bindAddress;

    @Option(
            names = "--no-replay",
            description = "Replay nothing: the job only consumes what is (or will be) on the events topic.")
    boolean noReplay;

    @Mixin
    DatasetOptions dataset;

    @Mixin
    ReplayOptions replay;

    /** What a run starts beside its job: the companion's options, and how to make it from their values. */
    private record Companion(OptionTable options, Function<Settings, RunCompanion> factory) {}

    private final List<Companion> companions = new ArrayList<>();
    private volatile StreamrecRun running;
    private volatile boolean stopRequested;

    /**
     * Starts a companion beside the job of every run (the launcher adds the serving API this way). Its options become
     * options of this command, with their help; they are read and checked with the job's, every problem reported at
     * once, and {@code companion} makes it from their values.
     */
    public RunCommand withCompanion(OptionTable options, Function<Settings, RunCompanion> companion) {
        if (spec == null) {
            throw new IllegalStateException("add companions to the command of a CommandLine");
        }
        TableOptions.addTo(spec, options, Map.of());
        companions.add(new Companion(options, companion));
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
        List<RunCompanion> started = new ArrayList<>();
        StreamrecJobConfig config = configure(started);
        Optional<StreamrecRun.Replay> events = noReplay
                ? Optional.empty()
                : Optional.of(new StreamrecRun.Replay(
                        dataset.open(), replay.replayer(config.get(JobOptions.EVENT_FORMAT), dataset)));
        StreamrecRun.Settings settings = new StreamrecRun.Settings(
                        Optional.ofNullable(duration),
                        progress.interval(),
                        partitions == null ? config.get(JobOptions.PARALLELISM) : partitions,
                        warmup == null ? Duration.ZERO : warmup)
                .withBindAddress(bindAddress);
        PrintWriter out = spec.commandLine().getOut();
        boolean embeddedKafka = !config.settings().isSet(JobOptions.BOOTSTRAP_SERVERS);
        StreamrecRun run = new StreamrecRun(config, embeddedKafka, StreamrecPipeline::build, events, settings, out);
        if (prometheusPort != null) {
            run.withPrometheusEndpoint(prometheusPort);
        }
        started.forEach(run::withCompanion);
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

    /**
     * The job's configuration, and the companions made from their options; every problem of both reported at once.
     *
     * @throws InvalidConfigException listing every problem, each named as its command-line option
     */
    StreamrecJobConfig configure(List<RunCompanion> made) {
        List<String> problems = new ArrayList<>();
        StreamrecJobConfig config = null;
        try {
            config = jobConfig();
        } catch (InvalidConfigException e) {
            problems.addAll(e.problems());
        }
        for (Companion companion : companions) {
            Map<String, String> given = TableOptions.given(spec.commandLine().getParseResult(), companion.options());
            try {
                made.add(companion.factory().apply(companion.options().parse(given, OptionTable.Naming.COMMAND_LINE)));
            } catch (InvalidConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(JobOptions.TABLE.title(), problems);
        }
        return config;
    }

    /**
     * The job options given, with {@code --data-dir} as the home of the checkpoints unless {@code --checkpoint-dir}
     * says otherwise; checked all together, every problem named as its command-line option.
     */
    StreamrecJobConfig jobConfig() {
        Map<String, String> given = TableOptions.given(spec.commandLine().getParseResult(), JobOptions.TABLE);
        if (spec.commandLine().getParseResult().hasMatchedOption("--data-dir")) {
            given.putIfAbsent(
                    JobOptions.CHECKPOINT_DIR.key(),
                    dataDir.resolve("checkpoints").toString());
        }
        return StreamrecJobConfig.fromStrings(given, OptionTable.Naming.COMMAND_LINE);
    }

    /** Adds every job option to the command, from {@link JobOptions#TABLE}. */
    public static final class WithJobOptions implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            TableOptions.addTo(command, JobOptions.TABLE, ALIASES);
            return command;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is running and waits for this method's caller to finish
        }
    }
}
