package io.streamrec.bench.state;

import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StateCompression;
import io.streamrec.flink.state.ApplyOrder;
import io.streamrec.flink.state.MemtableBloomOptionsFactory;
import io.streamrec.flink.state.UserStateOperator;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of {@link UserStateOperator} against a bare keyed counter, both on RocksDB, in the same
 * run: synthetic JSON event bytes (generated in-process) → decode and validate ({@code EventDecoder})
 * → event-time watermarks → keyBy(userId) → the keyed operator → discard. The user-state job also
 * joins a profile stream (1 % of users) and consumes its training-example side output, as the real job
 * does, and counts its dead letters (late, duplicate), which the table prints next to the rates: the
 * synthetic events are all good, so any there were refused by the operator. Checkpoints go to a local
 * folder every 2 s. Both pipelines run with the job's {@code pipeline.object-reuse}. Target: user state
 * at ≥ 0.5× the counter.
 *
 * <p>Three figures per run: events/s over the job's net runtime (deployment and end-of-input included:
 * for user state, the final watermark also fires every user's cleanup timer), events/s from the first
 * to the last output record (the steady state), and the keyed operator's task-thread CPU per event,
 * whose ratio (the counter's over this one's) moves far less with other load on the machine than the
 * rates do.
 *
 * <p>Each parallelism runs {@code --repeat} pairs (the counter, then user state), after one warm-up
 * pair, and ends with the median of each ratio over its pairs.
 *
 * <p>Run from the repository root: {@code benchmarks/run state --events 3000000 --users 1000000 --parallelism 1,2}.
 * {@code --help} lists every option.
 */
@Command(
        name = "user-state-benchmark",
        mixinStandardHelpOptions = true,
        description = "Events/s of the user-state operator against a bare keyed counter, both on RocksDB.")
public final class UserStateBenchmark implements Callable<Integer> {

    @Option(
            names = "--events",
            description = "events per run (default: ${DEFAULT-VALUE}: with 1M users, about 95 %% of "
                    + "them appear and most events find a stored history, as in a job that has run for a while; at one event per "
                    + "user, most events would create a user and the run would measure little else)")
    long events = 3_000_000;

    @Option(
            names = "--warmup-events",
            description = "events of one unmeasured run of each pipeline first, so the JIT "
                    + "compiler, which otherwise takes a core's share of a 2-core machine during the first runs, has settled "
                    + "(0: none; default: ${DEFAULT-VALUE})")
    long warmupEvents = 300_000;

    @Option(
            names = "--repeat",
            description = "measured pairs (counter, then user state) per parallelism; the table "
                    + "ends each parallelism with the median of every ratio, which one slow run on a shared machine cannot move "
                    + "(default: ${DEFAULT-VALUE})")
    int repeat = 3;

    @Option(names = "--users", description = "distinct users the events are spread over (default: ${DEFAULT-VALUE})")
    int users = 1_000_000;

    @Option(names = "--parallelism", split = ",", description = "parallelisms to run, comma-separated (default: 1,2)")
    List<Integer> parallelisms = List.of(1, 2);

    @Option(
            names = "--out-of-orderness",
            description = "watermark delay, ISO-8601 (default: ${DEFAULT-VALUE}); "
                    + "events are generated up to half of it out of order, so none is late")
    Duration outOfOrderness = Duration.ofSeconds(2);

    @Option(
            names = "--apply-order",
            description = "when user state applies an event: arrival or event-time "
                    + "(default: the streamrec job's, ${DEFAULT-VALUE})",
            converter = ApplyOrderConverter.class)
    ApplyOrder applyOrder = JobOptions.APPLY_ORDER.defaultValue();

    static final class ApplyOrderConverter implements CommandLine.ITypeConverter<ApplyOrder> {
        @Override
        public ApplyOrder convert(String value) {
            return ApplyOrder.parse(value);
        }
    }

    @Option(
            names = "--object-reuse",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "let chained operators pass records without a defensive copy (pipeline.object-reuse), "
                    + "as the streamrec job does; --no-object-reuse for Flink's default (default: ${DEFAULT-VALUE})")
    boolean objectReuse;

    @Option(
            names = "--bloom-filter",
            negatable = true,
            fallbackValue = "true",
            description = "RocksDB Bloom filters in "
                    + "state files and memtables (state.backend.rocksdb.use-bloom-filter and the job's options factory; default: "
                    + "the streamrec job's, ${DEFAULT-VALUE}; Flink's is off)")
    boolean bloomFilter = JobOptions.ROCKSDB_BLOOM_FILTER.defaultValue();

    @Option(
            names = "--state-compression",
            description = "RocksDB compression of the state files: "
                    + "${COMPLETION-CANDIDATES} (default: the streamrec job's, ${DEFAULT-VALUE}; Flink's is SNAPPY)")
    StateCompression stateCompression = JobOptions.STATE_COMPRESSION.defaultValue();

    @Option(
            names = "--managed-memory",
            description =
                    "Flink managed memory per task manager, which RocksDB's block "
                            + "cache and memtables share (taskmanager.memory.managed.size; default: the streamrec job's, ${DEFAULT-VALUE})")
    String managedMemory = JobOptions.MANAGED_MEMORY.defaultText();

    @Option(
            names = "--rocksdb-write-buffer",
            description = "RocksDB memtable size per state "
                    + "(state.backend.rocksdb.writebuffer.size; default: the streamrec job's, ${DEFAULT-VALUE})")
    String rocksdbWriteBuffer = JobOptions.ROCKSDB_WRITE_BUFFER.defaultText();

    @Option(names = "--checkpoint-interval", description = "ISO-8601 (default: ${DEFAULT-VALUE})")
    Duration checkpointInterval = Duration.ofSeconds(2);

    @Option(
            names = "-D",
            paramLabel = "KEY=VALUE",
            description = "any further Flink configuration for both pipelines, "
                    + "e.g. -D state.backend.rocksdb.compression.per.level=LZ4_COMPRESSION; applied last")
    Map<String, String> flinkOptions = Map.of();

    public static void main(String[] args) {
        System.exit(new CommandLine(new UserStateBenchmark())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        System.out.printf(
                Locale.ROOT,
                "user state vs keyed counter: %,d events over %,d users (about %,d of them appear), RocksDB (managed memory %s, "
                        + "memtables %s, bloom filters %s, %s compression), checkpoints every %ss, out-of-orderness %s, object reuse %s, %d cores%n",
                events,
                users,
                expectedDistinctUsers(),
                managedMemory,
                rocksdbWriteBuffer,
                bloomFilter,
                stateCompression,
                checkpointInterval.toSeconds(),
                outOfOrderness,
                objectReuse,
                Runtime.getRuntime().availableProcessors());
        if (warmupEvents > 0) {
            System.out.printf(
                    Locale.ROOT, "warming up with %,d events per pipeline (not measured) ...%n", warmupEvents);
            measure("keyed counter (warm-up)", parallelisms.get(0), warmupEvents, this::counterJob);
            measure("user state (warm-up)", parallelisms.get(0), warmupEvents, this::userStateJob);
        }
        List<String> rows = new ArrayList<>();
        for (int parallelism : parallelisms) {
            List<Pair> pairs = new ArrayList<>();
            for (int run = 1; run <= repeat; run++) {
                Measurement counter = measure("keyed counter", parallelism, events, this::counterJob);
                Measurement userState = measure("user state", parallelism, events, this::userStateJob);
                pairs.add(new Pair(counter, userState));
                rows.add(counter.row(counter));
                rows.add(userState.row(counter));
            }
            rows.add(Pair.medianRow(parallelism, pairs));
        }
        System.out.println();
        System.out.printf(
                "%-12s %-14s %10s %8s %12s %12s %14s %12s %12s %12s %10s%n",
                "parallelism",
                "pipeline",
                "events",
                "net s",
                "net ev/s",
                "ratio (net)",
                "window ev/s",
                "ratio (win)",
                "CPU µs/ev",
                "ratio (CPU)",
                "DLQ");
        rows.forEach(System.out::println);
        return 0;
    }

    /** Users drawn uniformly, {@code events} times: each of them appears with probability 1 − (1 − 1/users)^events. */
    private long expectedDistinctUsers() {
        return Math.round(users * -Math.expm1(events * Math.log1p(-1.0 / users)));
    }

    private void validate() {
        if (events < 1 || users < 1) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--events and --users must be at least 1, were " + events + " and " + users);
        }
        if (repeat < 1) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--repeat must be at least 1, was " + repeat);
        }
        if (warmupEvents < 0) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--warmup-events must be 0 (none) or more, was " + warmupEvents);
        }
        if (parallelisms.stream().anyMatch(p -> p < 1)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--parallelism values must be at least 1, were " + parallelisms);
        }
        if (outOfOrderness.toMillis() < 2) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--out-of-orderness must be at least PT0.002S, was " + outOfOrderness);
        }
    }

    private interface JobBuilder {
        void build(StreamExecutionEnvironment env, DataStream<SourcedEvent> events);
    }

    private Measurement measure(String name, int parallelism, long eventCount, JobBuilder job) throws Exception {
        System.out.printf(Locale.ROOT, "running %s at parallelism %d ...%n", name, parallelism);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration());
        job.build(env, decodedEvents(env, eventCount));
        OutputWindowProbe.reset();
        DeadLetterCount.reset();
        JobExecutionResult result = env.execute(name + " p" + parallelism);
        Measurement m = new Measurement(
                name,
                parallelism,
                eventCount,
                result.getNetRuntime(TimeUnit.MILLISECONDS) / 1e3,
                OutputWindowProbe.windowSeconds(),
                OutputWindowProbe.taskCpuSeconds(),
                DeadLetterCount.total());
        System.out.printf(
                Locale.ROOT,
                "  %,.0f events/s (net), %,.0f events/s (window), %.2f task-thread CPU µs/event, "
                        + "dead letters %s%n",
                m.netRate(),
                m.windowRate(),
                m.cpuMicrosPerEvent(),
                DeadLetterCount.byReason());
        return m;
    }

    private Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                checkpointDirectory().toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(
                RocksDBOptions.TIMER_SERVICE_FACTORY,
                PriorityQueueStateType.ROCKSDB); // as the job: see UserStateOperator
        conf.set(PipelineOptions.OBJECT_REUSE, objectReuse);
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, bloomFilter);
        if (bloomFilter) { // as the job: in the memtables too
            conf.set(RocksDBOptions.OPTIONS_FACTORY, MemtableBloomOptionsFactory.class.getName());
        }
        conf.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, List.of(stateCompression.rocksdbType()));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(managedMemory));
        conf.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, MemorySize.parse(rocksdbWriteBuffer));
        conf.addAll(Configuration.fromMap(flinkOptions));
        return conf;
    }

    private static Path checkpointDirectory() {
        try {
            return Files.createTempDirectory("user-state-benchmark-checkpoints");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a checkpoint folder under java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
                            + "); point -Djava.io.tmpdir at a writable folder",
                    e);
        }
    }

    private DataStream<SourcedEvent> decodedEvents(StreamExecutionEnvironment env, long eventCount) {
        int maxDisorder = (int) (outOfOrderness.toMillis() / 2);
        WatermarkStrategy<SourcedEvent> watermarks = WatermarkStrategy.<SourcedEvent>forBoundedOutOfOrderness(
                        outOfOrderness)
                .withTimestampAssigner((event, previous) -> event.getEvent().getTimestamp());
        return env.fromSource(
                        new DataGeneratorSource<>(
                                new SyntheticEventJson(users, maxDisorder),
                                eventCount,
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO),
                        WatermarkStrategy.noWatermarks(),
                        "synthetic events")
                .process(new DecodeEvents())
                .returns(TypeInformation.of(SourcedEvent.class))
                .name("decode and validate")
                .assignTimestampsAndWatermarks(watermarks);
    }

    private void counterJob(StreamExecutionEnvironment env, DataStream<SourcedEvent> events) {
        events.keyBy(e -> e.getEvent().getUserId(), Types.STRING)
                .process(new KeyedCounter(), Types.LONG)
                .name("keyed counter")
                .sinkTo(new OutputWindowProbe<>());
    }

    private void userStateJob(StreamExecutionEnvironment env, DataStream<SourcedEvent> events) {
        int userCount = users;
        GeneratorFunction<Long, UserProfile> profile = i ->
                new UserProfile("u-" + Math.floorMod(i * 100, (long) userCount), Map.of("segment", "s" + i % 7), 0L);
        DataStream<UserProfile> profiles = env.fromSource(
                new DataGeneratorSource<>(profile, Math.max(1L, users / 100L), TypeInformation.of(UserProfile.class)),
                WatermarkStrategy.noWatermarks(),
                "synthetic profiles");
        SingleOutputStreamOperator<FeatureSnapshot> snapshots = UserStateOperator.attach(
                events, profiles, HistoryPolicy.defaults(), JobOptions.MAX_WAITING_EVENTS.defaultValue(), applyOrder);
        snapshots.sinkTo(new OutputWindowProbe<>());
        DataStream<TrainingExample> examples = snapshots.getSideOutput(UserStateOperator.TRAINING_EXAMPLES);
        examples.sinkTo(new DiscardingSink<>());
        snapshots.getSideOutput(UserStateOperator.DEAD_LETTERS).sinkTo(new DeadLetterCount());
    }

    private record Measurement(
            String name,
            int parallelism,
            long events,
            double netSeconds,
            double windowSeconds,
            double taskCpuSeconds,
            long deadLetters) {
        double netRate() {
            return events / netSeconds;
        }

        double windowRate() {
            return events / windowSeconds;
        }

        /** Task-thread CPU per event, summed over subtasks (see {@link OutputWindowProbe}). */
        double cpuMicrosPerEvent() {
            return taskCpuSeconds * 1e6 / events;
        }

        String row(Measurement baseline) {
            return String.format(
                    Locale.ROOT,
                    "%-12d %-14s %,10d %8.1f %,12.0f %12.2f %,14.0f %12.2f %12.2f %12.2f %,10d",
                    parallelism,
                    name,
                    events,
                    netSeconds,
                    netRate(),
                    netRate() / baseline.netRate(),
                    windowRate(),
                    windowRate() / baseline.windowRate(),
                    cpuMicrosPerEvent(),
                    baseline.cpuMicrosPerEvent() / cpuMicrosPerEvent(),
                    deadLetters);
        }
    }

    /** One counter run and the user-state run right after it; ratios are taken within a pair. */
    private record Pair(Measurement counter, Measurement userState) {
        double netRatio() {
            return userState.netRate() / counter.netRate();
        }

        double windowRatio() {
            return userState.windowRate() / counter.windowRate();
        }

        double cpuRatio() {
            return counter.cpuMicrosPerEvent() / userState.cpuMicrosPerEvent();
        }

        /** The user state's median rates and CPU, and the median of each ratio over the pairs. */
        static String medianRow(int parallelism, List<Pair> pairs) {
            return String.format(
                    Locale.ROOT,
                    "%-12d %-14s %10s %8s %,12.0f %12.2f %,14.0f %12.2f %12.2f %12.2f %10s",
                    parallelism,
                    "median",
                    "",
                    "",
                    median(pairs, p -> p.userState().netRate()),
                    median(pairs, Pair::netRatio),
                    median(pairs, p -> p.userState().windowRate()),
                    median(pairs, Pair::windowRatio),
                    median(pairs, p -> p.userState().cpuMicrosPerEvent()),
                    median(pairs, Pair::cpuRatio),
                    "");
        }

        private static double median(List<Pair> pairs, ToDoubleFunction<Pair> figure) {
            double[] sorted = pairs.stream().mapToDouble(figure).sorted().toArray();
            int mid = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }
}
