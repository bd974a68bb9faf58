package io.streamrec.flink.job;

import io.streamrec.flink.encode.EncoderOperatorConfig;
import io.streamrec.flink.ingest.DeadLetterTopic;
import io.streamrec.flink.ingest.KafkaSettings;
import io.streamrec.flink.state.ApplyOrder;
import io.streamrec.flink.state.MemtableBloomOptionsFactory;
import io.streamrec.flink.state.UserStateOperator;
import io.streamrec.flink.train.TrainerOperatorConfig;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The one configuration of the streaming job. Every option has a documented default ({@code DEFAULT_*}),
 * is set through {@link #builder()}, and is checked in one place, {@link #validate()}, which reports every
 * problem at once and says what to change. {@link Builder#build()} validates, so a built config is valid.
 *
 * <p>{@link #flinkConfiguration()} turns the job-wide options into Flink's {@link Configuration}
 * (RocksDB, checkpointing, restore path, parallelism), for a local MiniCluster or a cluster submission.
 */
public final class StreamrecJobConfig {

    /** Where to start reading topics that have no committed offsets for the consumer group. */
    public enum StartingOffsets {
        /** The beginning of each partition: replays everything retained (the default). */
        EARLIEST,
        /** The end of each partition: only events produced after the job starts. */
        LATEST,
        /** The consumer group's committed offsets, or the beginning where there are none. */
        COMMITTED
    }

    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    public static final String DEFAULT_CONSUMER_GROUP = "streamrec";
    /** Natural JSON, what most producers write; AVRO is Avro binary of the UserEvent schema. */
    public static final WireFormat DEFAULT_EVENT_FORMAT = WireFormat.JSON;
    /** JSON, readable with any console consumer (payload as base64 and, when UTF-8, as text). */
    public static final WireFormat DEFAULT_DEAD_LETTER_FORMAT = WireFormat.JSON;

    public static final StartingOffsets DEFAULT_STARTING_OFFSETS = StartingOffsets.EARLIEST;
    public static final boolean DEFAULT_BOUNDED = false;
    public static final boolean DEFAULT_READ_PROFILES = true;
    public static final boolean DEFAULT_PUBLISH_USER_FEATURES = false;
    public static final int DEFAULT_PARALLELISM = 2;
    /** Fixed so that keyed state can be restored at another parallelism (up to this many key groups). */
    public static final int DEFAULT_MAX_PARALLELISM = 128;

    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    public static final Path DEFAULT_CHECKPOINT_DIR = Path.of("streamrec-data", "checkpoints");
    public static final boolean DEFAULT_INCREMENTAL_CHECKPOINTS = true;
    /**
     * How far behind the newest event an event may arrive and still be applied in order: the watermark trails
     * the largest timestamp by this much, and the user-state operator dead-letters anything at or behind the
     * watermark as {@code late}. So this is also the allowed lateness. 2 s covers producer batching and
     * partition skew of a live stream while adding only 2 s to event-time latency; raise it for replays of
     * files that are not sorted by time.
     */
    public static final Duration DEFAULT_MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(2);
    /**
     * Events each user-state subtask holds on the heap while they wait for the watermark: about
     * {@code rate × maxOutOfOrderness} normally. Past it (a stalled watermark) the earliest are applied early
     * and anything later found behind them becomes {@code late}; see {@link UserStateOperator}.
     */
    public static final int DEFAULT_MAX_WAITING_EVENTS = UserStateOperator.DEFAULT_MAX_WAITING_EVENTS;
    /**
     * Arrival: a user's event is applied and its vector computed as it arrives, without waiting for the
     * watermark (out-of-orderness plus watermark interval, 2.2 s by default), which is most of the latency of
     * a vector. Kafka keeps each user's events in order within a partition, so only events a producer sent out
     * of order are re-inserted, and the stored state, checkpoints and recovery are exactly those of event-time
     * order. Choose {@link ApplyOrder#EVENT_TIME} to replay a log whose per-event snapshots and training
     * examples must be exactly those of an in-order replay.
     */
    public static final ApplyOrder DEFAULT_APPLY_ORDER = ApplyOrder.ARRIVAL;
    /**
     * In an unbounded job, a source split with no events for this long stops holding the watermark back, so
     * quiet partitions do not stall every user. Events that later arrive on it behind the watermark become
     * {@code late}, so on a heavily loaded machine, where a busy partition can go unread for seconds, raise it
     * or set 0 (never idle). A bounded job ignores it: its end of input releases the watermark anyway.
     */
    public static final Duration DEFAULT_SOURCE_IDLENESS = Duration.ofSeconds(10);
    /**
     * How often the sources emit a watermark: Flink's default. An event waits in user state until a watermark
     * passes it, so it waits {@code maxOutOfOrderness} plus up to this long. 50 ms (with a 10 ms buffer timeout) did
     * not lower the event-to-vector latency on the 2-core benchmark machine (p50 590 ms either way at 1,000 ev/s,
     * README's e2e figures), so the default stays; lower it where CPU is to spare.
     */
    public static final Duration DEFAULT_WATERMARK_INTERVAL = Duration.ofMillis(200);
    /**
     * The longest a partly filled network buffer waits before it is sent downstream: Flink's default. Two network
     * exchanges lie on the event-to-vector path (keyBy to user state, user state to encoder), each waiting up to
     * this long; see {@link #DEFAULT_WATERMARK_INTERVAL} for why it was not lowered.
     */
    public static final Duration DEFAULT_BUFFER_TIMEOUT = Duration.ofMillis(100);
    /**
     * Flink managed memory of the local cluster's task manager, which RocksDB's memtables and block cache share
     * ({@code taskmanager.memory.managed.size}; a cluster's task managers set their own). Flink's local default of
     * 128 MiB, split between the slots, left the user-state memtables a few tens of MiB, so histories written
     * seconds earlier were already flushed and read back from SST blocks.
     */
    public static final MemorySize DEFAULT_MANAGED_MEMORY = MemorySize.ofMebiBytes(1024);
    /**
     * RocksDB's memtable size per column family ({@code state.backend.rocksdb.writebuffer.size}), four times
     * Flink's 64 MiB. A user's events come in sessions, so the histories being read are the ones written
     * lately, and a larger memtable answers them without a block read until the next checkpoint flushes it;
     * managed memory still caps all memtables together. In the state benchmark (1M users) this and
     * {@link #DEFAULT_MANAGED_MEMORY} took 10-20 % off the user-state task thread's CPU per event; the rate
     * moved less, as each checkpoint's flush is then larger.
     */
    public static final MemorySize DEFAULT_ROCKSDB_WRITE_BUFFER_SIZE = MemorySize.ofMebiBytes(256);
    /**
     * RocksDB Bloom filters in every new state file ({@code state.backend.rocksdb.use-bloom-filter}; Flink's default
     * is off) and in every memtable ({@link MemtableBloomOptionsFactory}). Each checkpoint flushes the memtables
     * into a new level-0 file, and a read probes every level-0 file whose key range overlaps, which for user ids is
     * all of them: the filters skip the files (and the memtable) that lack the user.
     * In the state benchmark with three events per user, filters and {@link #DEFAULT_STATE_COMPRESSION} together
     * took the user-state task thread from 19 to 12 µs per event.
     */
    public static final boolean DEFAULT_ROCKSDB_BLOOM_FILTER = true;
    /**
     * LZ4 rather than Flink's Snappy: the block read behind a history read decompresses faster (with file filters on,
     * 11.8 µs per event against Snappy's 12.5 in one run each; no compression, 12.2, with larger files).
     */
    public static final StateCompression DEFAULT_STATE_COMPRESSION = StateCompression.LZ4;

    /**
     * Restarts after a failure before the job gives up and fails for good (Flink's exponential-delay strategy; the
     * count starts again once the job has run for an hour without failing). Ten restarts, 1 s apart at first and
     * doubling up to {@link #DEFAULT_RESTART_MAX_BACKOFF}, ride out a broker or disk hiccup of several minutes, yet a
     * job that cannot run (a bug, a lasting outage) stops within about five minutes, visibly, rather than restarting
     * for ever (Flink's own default with checkpoints). Failures no restart can help (a sink topic that was deleted)
     * fail the job at once. 0 turns restarts off.
     */
    public static final int DEFAULT_RESTART_ATTEMPTS = 10;
    /** The wait before the first restart; each further one waits twice as long, up to the maximum. */
    public static final Duration DEFAULT_RESTART_INITIAL_BACKOFF = Duration.ofSeconds(1);
    /** The longest wait between two restarts. */
    public static final Duration DEFAULT_RESTART_MAX_BACKOFF = Duration.ofMinutes(1);

    public static final DeliveryGuarantee DEFAULT_DELIVERY_GUARANTEE = DeliveryGuarantee.AT_LEAST_ONCE;
    /**
     * Kept below the brokers' default {@code transaction.max.timeout.ms} (15 min); a larger value is refused by
     * the broker when the sink starts unless that broker setting is raised too.
     */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Train a model on the training examples and encode every feature snapshot into a user vector (the
     * {@code model-updates} and {@code user-vectors} topics). Off, the job only ingests and keeps user state.
     */
    public static final boolean DEFAULT_ENCODE_USER_VECTORS = true;
    /** The model the trainer trains and the encoders run, by its registered name (sdm, sine, meanpool). */
    public static final String DEFAULT_MODEL = TrainerOperatorConfig.DEFAULT_ENCODER;
    /** Room beyond the trainer's chunk for the record batch framing, key and headers of a model update. */
    static final int MODEL_UPDATE_FRAMING_BYTES = 64 * 1024;

    private static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(100);

    private final String bootstrapServers;
    private final TopicNames topics;
    private final WireFormat eventFormat;
    private final WireFormat deadLetterFormat;
    private final ValidationLimits validationLimits;
    private final HistoryPolicy historyPolicy;
    private final String consumerGroup;
    private final StartingOffsets startingOffsets;
    private final boolean bounded;
    private final boolean readProfiles;
    private final boolean publishUserFeatures;
    private final int parallelism;
    private final int maxParallelism;
    private final Duration checkpointInterval;
    private final Path checkpointDir;
    private final boolean incrementalCheckpoints;
    private final Optional<String> restoreFrom;
    private static final MemorySize MIN_MANAGED_MEMORY = MemorySize.ofMebiBytes(16);
    private static final MemorySize MIN_ROCKSDB_WRITE_BUFFER_SIZE = MemorySize.ofMebiBytes(1);

    private final Duration maxOutOfOrderness;
    private final int maxWaitingEvents;
    private final ApplyOrder applyOrder;
    private final Duration sourceIdleness;
    private final Duration watermarkInterval;
    private final Duration bufferTimeout;
    private final MemorySize managedMemory;
    private final MemorySize rocksdbWriteBufferSize;
    private final boolean rocksdbBloomFilter;
    private final StateCompression stateCompression;
    private final int restartAttempts;
    private final Duration restartInitialBackoff;
    private final Duration restartMaxBackoff;
    private final DeliveryGuarantee deliveryGuarantee;
    private final Optional<String> transactionalIdPrefix;
    private final Duration transactionTimeout;
    private final Map<String, String> kafkaProperties;
    private final boolean encodeUserVectors;
    private final String model;
    private final TrainerOperatorConfig trainer;
    private final EncoderOperatorConfig encoder;

    private StreamrecJobConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topics = b.topics;
        this.eventFormat = b.eventFormat;
        this.deadLetterFormat = b.deadLetterFormat;
        this.validationLimits = b.validationLimits;
        this.historyPolicy = b.historyPolicy;
        this.consumerGroup = b.consumerGroup;
        this.startingOffsets = b.startingOffsets;
        this.bounded = b.bounded;
        this.readProfiles = b.readProfiles;
        this.publishUserFeatures = b.publishUserFeatures;
        this.parallelism = b.parallelism;
        this.maxParallelism = b.maxParallelism;
        this.checkpointInterval = b.checkpointInterval;
        this.checkpointDir = b.checkpointDir;
        this.incrementalCheckpoints = b.incrementalCheckpoints;
        this.restoreFrom = Optional.ofNullable(b.restoreFrom);
        this.maxOutOfOrderness = b.maxOutOfOrderness;
        this.maxWaitingEvents = b.maxWaitingEvents;
        this.applyOrder = b.applyOrder;
        this.sourceIdleness = b.sourceIdleness;
        this.watermarkInterval = b.watermarkInterval;
        this.bufferTimeout = b.bufferTimeout;
        this.managedMemory = b.managedMemory;
        this.rocksdbWriteBufferSize = b.rocksdbWriteBufferSize;
        this.rocksdbBloomFilter = b.rocksdbBloomFilter;
        this.stateCompression = b.stateCompression;
        this.restartAttempts = b.restartAttempts;
        this.restartInitialBackoff = b.restartInitialBackoff;
        this.restartMaxBackoff = b.restartMaxBackoff;
        this.deliveryGuarantee = b.deliveryGuarantee;
        this.transactionalIdPrefix = Optional.ofNullable(b.transactionalIdPrefix);
        this.transactionTimeout = b.transactionTimeout;
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.encodeUserVectors = b.encodeUserVectors;
        this.model = b.model;
        this.trainer = b.trainer != null ? b.trainer : defaultTrainer(b.model);
        this.encoder = b.encoder != null ? b.encoder : defaultEncoder(b.model);
    }

    /** The trainer's defaults for {@code model}, or SDM's when the name is unknown (reported by {@link #problems()}). */
    private static TrainerOperatorConfig defaultTrainer(String model) {
        return TrainerOperatorConfig.builder()
                .encoder(Encoders.names().contains(model) ? model : DEFAULT_MODEL)
                .build();
    }

    private static EncoderOperatorConfig defaultEncoder(String model) {
        return EncoderOperatorConfig.builder()
                .encoder(Encoders.names().contains(model) ? model : DEFAULT_MODEL)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to derive a variant (e.g. the same job restored). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bootstrapServers = bootstrapServers;
        b.topics = topics;
        b.eventFormat = eventFormat;
        b.deadLetterFormat = deadLetterFormat;
        b.validationLimits = validationLimits;
        b.historyPolicy = historyPolicy;
        b.consumerGroup = consumerGroup;
        b.startingOffsets = startingOffsets;
        b.bounded = bounded;
        b.readProfiles = readProfiles;
        b.publishUserFeatures = publishUserFeatures;
        b.parallelism = parallelism;
        b.maxParallelism = maxParallelism;
        b.checkpointInterval = checkpointInterval;
        b.checkpointDir = checkpointDir;
        b.incrementalCheckpoints = incrementalCheckpoints;
        b.restoreFrom = restoreFrom.orElse(null);
        b.maxOutOfOrderness = maxOutOfOrderness;
        b.maxWaitingEvents = maxWaitingEvents;
        b.applyOrder = applyOrder;
        b.sourceIdleness = sourceIdleness;
        b.watermarkInterval = watermarkInterval;
        b.bufferTimeout = bufferTimeout;
        b.managedMemory = managedMemory;
        b.rocksdbWriteBufferSize = rocksdbWriteBufferSize;
        b.rocksdbBloomFilter = rocksdbBloomFilter;
        b.stateCompression = stateCompression;
        b.restartAttempts = restartAttempts;
        b.restartInitialBackoff = restartInitialBackoff;
        b.restartMaxBackoff = restartMaxBackoff;
        b.deliveryGuarantee = deliveryGuarantee;
        b.transactionalIdPrefix = transactionalIdPrefix.orElse(null);
        b.transactionTimeout = transactionTimeout;
        b.kafkaProperties.putAll(kafkaProperties);
        b.encodeUserVectors = encodeUserVectors;
        b.model = model;
        b.trainer = trainer;
        b.encoder = encoder;
        return b;
    }

    /**
     * Every problem with this configuration, each saying which option to change and how; empty when valid.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (bootstrapServers.isBlank()) {
            problems.add("bootstrapServers is empty: set it to the Kafka brokers, e.g. localhost:9092");
        }
        checkTopics(problems);
        if (consumerGroup.isBlank()) {
            problems.add(
                    "consumerGroup is empty: set a group id unique to this job, e.g. '" + DEFAULT_CONSUMER_GROUP + "'");
        }
        if (parallelism < 1) {
            problems.add("parallelism is " + parallelism + ": set it to 1 or more");
        }
        if (maxParallelism < 1 || maxParallelism > 32768) {
            problems.add("maxParallelism is " + maxParallelism + ": set it between 1 and 32768 (Flink's limit)");
        } else if (parallelism > maxParallelism) {
            problems.add("parallelism " + parallelism + " exceeds maxParallelism " + maxParallelism
                    + ": lower parallelism or raise maxParallelism (only before the first checkpoint: "
                    + "changing it later makes keyed state unrestorable)");
        }
        if (checkpointInterval.compareTo(MIN_CHECKPOINT_INTERVAL) < 0) {
            problems.add("checkpointInterval is " + checkpointInterval + ": set it to at least "
                    + MIN_CHECKPOINT_INTERVAL.toMillis() + " ms (checkpoints are always on: they commit Kafka "
                    + "offsets and, with exactly-once, the output)");
        }
        if (maxOutOfOrderness.isNegative()) {
            problems.add("maxOutOfOrderness is " + maxOutOfOrderness + ": set it to 0 or more");
        }
        if (maxWaitingEvents < 1) {
            problems.add("maxWaitingEvents is " + maxWaitingEvents + ": set it to at least 1 (default "
                    + DEFAULT_MAX_WAITING_EVENTS + ")");
        }
        if (sourceIdleness.isNegative()) {
            problems.add("sourceIdleness is " + sourceIdleness + ": set it to 0 (never idle) or more");
        }
        if (watermarkInterval.isNegative() || watermarkInterval.isZero()) {
            problems.add("watermarkInterval is " + watermarkInterval + ": set it to a positive time, e.g. "
                    + DEFAULT_WATERMARK_INTERVAL.toMillis() + " ms (a zero interval would emit no watermark at all)");
        }
        if (bufferTimeout.isNegative()) {
            problems.add("bufferTimeout is " + bufferTimeout + ": set it to 0 (flush after every record) or more");
        }
        if (managedMemory.compareTo(MIN_MANAGED_MEMORY) < 0) {
            problems.add("managedMemory is " + managedMemory + ": give RocksDB at least " + MIN_MANAGED_MEMORY
                    + ", e.g. the default " + DEFAULT_MANAGED_MEMORY);
        }
        if (rocksdbWriteBufferSize.compareTo(MIN_ROCKSDB_WRITE_BUFFER_SIZE) < 0) {
            problems.add("rocksdbWriteBufferSize is " + rocksdbWriteBufferSize
                    + ": set it to at least " + MIN_ROCKSDB_WRITE_BUFFER_SIZE + ", e.g. the default "
                    + DEFAULT_ROCKSDB_WRITE_BUFFER_SIZE);
        }
        restoreFrom.ifPresent(path -> checkRestorePath(path, problems));
        checkRestarts(problems);
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            if (transactionalIdPrefix.map(String::isBlank).orElse(false)) {
                problems.add("transactionalIdPrefix is empty: exactly-once needs a prefix unique to this job "
                        + "(or leave it unset to use the consumer group)");
            }
            if (transactionTimeout.compareTo(checkpointInterval) <= 0) {
                problems.add("transactionTimeout " + transactionTimeout + " is not longer than checkpointInterval "
                        + checkpointInterval + ": transactions stay open until the next checkpoint, so raise "
                        + "transactionTimeout (default " + DEFAULT_TRANSACTION_TIMEOUT + ")");
            }
        }
        if (encodeUserVectors) {
            checkModel(problems);
        }
        return problems;
    }

    private void checkRestarts(List<String> problems) {
        if (restartAttempts < 0) {
            problems.add("restartAttempts is " + restartAttempts + ": set it to 0 (never restart) or more (default "
                    + DEFAULT_RESTART_ATTEMPTS + ")");
        }
        if (restartInitialBackoff.isNegative() || restartInitialBackoff.isZero()) {
            problems.add("restartInitialBackoff is " + restartInitialBackoff + ": set it to a positive time, e.g. "
                    + DEFAULT_RESTART_INITIAL_BACKOFF.toSeconds() + " s");
        } else if (restartMaxBackoff.compareTo(restartInitialBackoff) < 0) {
            problems.add("restartMaxBackoff " + restartMaxBackoff + " is shorter than restartInitialBackoff "
                    + restartInitialBackoff + ": raise restartMaxBackoff (default "
                    + DEFAULT_RESTART_MAX_BACKOFF.toSeconds() + " s) or lower restartInitialBackoff");
        }
    }

    private void checkModel(List<String> problems) {
        if (!Encoders.names().contains(model)) {
            problems.add("model '" + model + "' is unknown: choose one of " + Encoders.names());
            return;
        }
        if (!trainer.encoder().equals(model)) {
            problems.add("the trainer is configured for '" + trainer.encoder() + "' but model is '" + model
                    + "': build the TrainerOperatorConfig with encoder(\"" + model + "\")");
        }
        if (!encoder.encoderName().equals(model)) {
            problems.add("the encoder is configured for '" + encoder.encoderName() + "' but model is '" + model
                    + "': build the EncoderOperatorConfig with encoder(\"" + model + "\")");
        }
        if (bounded) {
            problems.add("bounded is set, but the encoders follow model-updates for as long as the job runs, so "
                    + "the job would never finish: set encodeUserVectors to false for a bounded ingestion-only "
                    + "replay, or run unbounded and cancel the job");
        }
    }

    /** Throws {@link IllegalArgumentException} listing every problem if this configuration is not usable. */
    public StreamrecJobConfig validate() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid streamrec job configuration:\n  - " + String.join("\n  - ", problems));
        }
        return this;
    }

    private void checkTopics(List<String> problems) {
        Map<String, String> roleByName = new HashMap<>();
        topics.byRole().forEach((role, name) -> {
            if (name.isBlank()) {
                problems.add("topics." + role + " is empty: set a topic name");
            } else if (!name.matches("[a-zA-Z0-9._-]{1,249}")) {
                problems.add("topics." + role + " '" + name + "' is not a legal Kafka topic name: use up to 249 "
                        + "letters, digits, '.', '_' or '-'");
            } else {
                String other = roleByName.putIfAbsent(name, role);
                if (other != null) {
                    problems.add("topics." + role + " and topics." + other + " are both '" + name
                            + "': give each role its own topic");
                }
            }
        });
    }

    private static void checkRestorePath(String path, List<String> problems) {
        if (path.isBlank()) {
            problems.add("restoreFrom is empty: leave it unset to start fresh, or give a checkpoint or savepoint "
                    + "folder");
            return;
        }
        URI uri = URI.create(path.replace(" ", "%20"));
        boolean local = uri.getScheme() == null || "file".equals(uri.getScheme());
        if (local) {
            Path folder = uri.getScheme() == null ? Path.of(path) : Path.of(uri);
            if (!Files.exists(folder)) {
                problems.add("restoreFrom " + path + " does not exist: give a retained checkpoint folder "
                        + "(<checkpointDir>/<job-id>/chk-<n>) or a savepoint folder");
            } else if (!Files.exists(folder.resolve("_metadata"))) {
                problems.add("restoreFrom " + path + " has no _metadata file: give a completed checkpoint "
                        + "folder (chk-<n>) or a savepoint folder, not its parent");
            }
        }
    }

    /**
     * The Flink configuration of this job: RocksDB state, object reuse between chained operators, checkpoints
     * every {@link #checkpointInterval()} into {@link #checkpointDir()} (incremental if enabled) retained on
     * cancellation so a stopped job can resume, the restore path when set, and the parallelism.
     */
    public Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        // timers live in RocksDB beside the state they clean up (stated, so that a cluster default cannot move the
        // user-state operator's millions of cleanup timers onto the heap)
        conf.set(RocksDBOptions.TIMER_SERVICE_FACTORY, PriorityQueueStateType.ROCKSDB);
        // every operator of the job builds fresh records and never changes one it has emitted or received, so
        // chained operators may share them: Flink's defensive Avro deep copy was ~7 % of the user-state thread
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirUri());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, incrementalCheckpoints);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // a bounded replay ends with a final checkpoint, which commits the last exactly-once transaction
        conf.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, true);
        restoreFrom.ifPresent(path -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, watermarkInterval);
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, bufferTimeout);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, managedMemory); // read by a local cluster only
        conf.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, rocksdbWriteBufferSize);
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, rocksdbBloomFilter);
        if (rocksdbBloomFilter) {
            conf.set(RocksDBOptions.OPTIONS_FACTORY, MemtableBloomOptionsFactory.class.getName());
        }
        conf.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, List.of(stateCompression.rocksdbType()));
        conf.set(PipelineOptions.MAX_PARALLELISM, maxParallelism);
        setRestartStrategy(conf);
        return conf;
    }

    private void setRestartStrategy(Configuration conf) {
        if (restartAttempts == 0) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            return;
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, restartInitialBackoff);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, restartMaxBackoff);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
    }

    /** {@link #checkpointDir()} as the absolute {@code file://} URI Flink expects. */
    public String checkpointDirUri() {
        return checkpointDir.toAbsolutePath().normalize().toUri().toString();
    }

    /** The transactional id prefix of exactly-once sinks: the configured one, else the consumer group. */
    public String effectiveTransactionalIdPrefix() {
        return transactionalIdPrefix.orElse(consumerGroup);
    }

    /** What the job's Kafka sources and sinks need of this configuration. */
    public KafkaSettings kafka() {
        OffsetsInitializer start = switch (startingOffsets) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
        return new KafkaSettings(
                bootstrapServers,
                kafkaProperties,
                consumerGroup,
                start,
                bounded,
                deliveryGuarantee,
                effectiveTransactionalIdPrefix(),
                transactionTimeout);
    }

    /** The dead-letter topic and the format refused records are written in. */
    public DeadLetterTopic deadLetterTopic() {
        return new DeadLetterTopic(topics.eventsDlq(), deadLetterFormat);
    }

    /** The topics this configuration reads or writes, for {@link Topics#createIfAbsent}. */
    public List<TopicSpec> requiredTopics(int partitions) {
        List<TopicSpec> specs = new ArrayList<>();
        specs.add(TopicSpec.of(topics.events(), partitions));
        specs.add(TopicSpec.of(topics.eventsDlq(), partitions));
        if (readProfiles) {
            specs.add(TopicSpec.compacted(topics.userProfiles(), partitions));
        }
        if (publishUserFeatures) {
            specs.add(TopicSpec.of(topics.userFeatures(), partitions));
        }
        if (encodeUserVectors) {
            specs.add(TopicSpec.compacted(topics.userVectors(), partitions));
            // one partition: every version of the model is read in the order the trainer wrote it
            specs.add(TopicSpec.of(topics.modelUpdates(), 1).withMaxMessageBytes(modelUpdatesMaxMessageBytes()));
        }
        return specs;
    }

    /**
     * The {@code max.message.bytes} of {@code model-updates} and the {@code max.request.size} of its producer: the
     * trainer's largest chunk ({@link TrainerOperatorConfig#maxMessageBytes()}) plus room for the record framing.
     */
    public int modelUpdatesMaxMessageBytes() {
        return trainer.maxMessageBytes() + MODEL_UPDATE_FRAMING_BYTES;
    }

    /** {@code bootstrap.servers} of the Kafka cluster. Default {@value #DEFAULT_BOOTSTRAP_SERVERS}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The topic names. Default {@link TopicNames#defaults()}. */
    public TopicNames topics() {
        return topics;
    }

    /** Wire format of the values on the events and user-profiles topics. Default JSON. */
    public WireFormat eventFormat() {
        return eventFormat;
    }

    /** Format of the DeadLetter values on the events-dlq topic. Default JSON. */
    public WireFormat deadLetterFormat() {
        return deadLetterFormat;
    }

    /** Limits records must respect to be accepted. Default {@link ValidationLimits#defaults()}. */
    public ValidationLimits validationLimits() {
        return validationLimits;
    }

    /** Sessions, long-term history and dedup rules of user state. Default {@link HistoryPolicy#defaults()}. */
    public HistoryPolicy historyPolicy() {
        return historyPolicy;
    }

    /** Consumer group id of the sources; also names the job. Default {@value #DEFAULT_CONSUMER_GROUP}. */
    public String consumerGroup() {
        return consumerGroup;
    }

    /** Where to start without committed offsets (or always, for EARLIEST/LATEST). Default EARLIEST. */
    public StartingOffsets startingOffsets() {
        return startingOffsets;
    }

    /** Stop at the offsets that were latest when the job started (tests, replays). Default false. */
    public boolean bounded() {
        return bounded;
    }

    /** Join the optional compacted user-profiles topic. Default {@value #DEFAULT_READ_PROFILES}. */
    public boolean readProfiles() {
        return readProfiles;
    }

    /** Publish every FeatureSnapshot as JSON on the user-features debug topic. Default false. */
    public boolean publishUserFeatures() {
        return publishUserFeatures;
    }

    /** Default {@value #DEFAULT_PARALLELISM}. */
    public int parallelism() {
        return parallelism;
    }

    /** Default {@value #DEFAULT_MAX_PARALLELISM}; never change it once state exists. */
    public int maxParallelism() {
        return maxParallelism;
    }

    /** Default 10 s. */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** Default {@code ./streamrec-data/checkpoints}. */
    public Path checkpointDir() {
        return checkpointDir;
    }

    /** RocksDB incremental checkpoints. Default true. */
    public boolean incrementalCheckpoints() {
        return incrementalCheckpoints;
    }

    /** A retained checkpoint ({@code .../chk-<n>}) or savepoint folder to resume from. Default none. */
    public Optional<String> restoreFrom() {
        return restoreFrom;
    }

    /** Bounded out-of-orderness of the watermarks, which is also the allowed lateness. Default 2 s. */
    public Duration maxOutOfOrderness() {
        return maxOutOfOrderness;
    }

    /** Events each user-state subtask keeps waiting for the watermark. Default {@value #DEFAULT_MAX_WAITING_EVENTS}. */
    public int maxWaitingEvents() {
        return maxWaitingEvents;
    }

    /** When user state applies an event: on arrival or once the watermark passes it. Default arrival. */
    public ApplyOrder applyOrder() {
        return applyOrder;
    }

    /** Idle time after which a source split stops holding back watermarks; 0 disables. Default 10 s. */
    public Duration sourceIdleness() {
        return sourceIdleness;
    }

    /** How often the sources emit watermarks. Default 200 ms. */
    public Duration watermarkInterval() {
        return watermarkInterval;
    }

    /** The longest a partly filled network buffer waits before it is sent; 0 sends every record. Default 100 ms. */
    public Duration bufferTimeout() {
        return bufferTimeout;
    }

    /** Managed memory of the local cluster's task manager (RocksDB memtables and block cache). Default 1 GiB. */
    public MemorySize managedMemory() {
        return managedMemory;
    }

    /** RocksDB's memtable size per column family. Default 256 MiB. */
    public MemorySize rocksdbWriteBufferSize() {
        return rocksdbWriteBufferSize;
    }

    /** Whether RocksDB's state files and memtables carry Bloom filters. Default true. */
    public boolean rocksdbBloomFilter() {
        return rocksdbBloomFilter;
    }

    /** How RocksDB compresses the state files, at every level. Default LZ4. */
    public StateCompression stateCompression() {
        return stateCompression;
    }

    /** The idleness the sources use: {@link #sourceIdleness()}, or 0 when bounded (see its default's doc). */
    public Duration effectiveSourceIdleness() {
        return bounded ? Duration.ZERO : sourceIdleness;
    }

    /** Restarts before the job fails for good; 0 never restarts. Default {@value #DEFAULT_RESTART_ATTEMPTS}. */
    public int restartAttempts() {
        return restartAttempts;
    }

    /** The wait before the first restart, doubled for each further one. Default 1 s. */
    public Duration restartInitialBackoff() {
        return restartInitialBackoff;
    }

    /** The longest wait between restarts. Default 1 min. */
    public Duration restartMaxBackoff() {
        return restartMaxBackoff;
    }

    /** Kafka sinks' guarantee. Default AT_LEAST_ONCE. */
    public DeliveryGuarantee deliveryGuarantee() {
        return deliveryGuarantee;
    }

    /** Explicit transactional id prefix for exactly-once sinks. Default: the consumer group. */
    public Optional<String> transactionalIdPrefix() {
        return transactionalIdPrefix;
    }

    /** {@code transaction.timeout.ms} of exactly-once sinks. Default 10 min. */
    public Duration transactionTimeout() {
        return transactionTimeout;
    }

    /** Extra Kafka client properties (security, timeouts) for every source and sink. Default none. */
    public Map<String, String> kafkaProperties() {
        return kafkaProperties;
    }

    /** The bootstrap servers with the extra client settings: how every client of this job reaches Kafka. */
    public KafkaAccess kafkaAccess() {
        return new KafkaAccess(bootstrapServers, kafkaProperties);
    }

    /** Train and encode user vectors besides keeping user state. Default {@value #DEFAULT_ENCODE_USER_VECTORS}. */
    public boolean encodeUserVectors() {
        return encodeUserVectors;
    }

    /** The model's registered name (sdm, sine, meanpool). Default {@value #DEFAULT_MODEL}. */
    public String model() {
        return model;
    }

    /** The trainer operator's settings. Default: {@link TrainerOperatorConfig}'s defaults for {@link #model()}. */
    public TrainerOperatorConfig trainer() {
        return trainer;
    }

    /** The encoder operator's settings. Default: {@link EncoderOperatorConfig}'s defaults for {@link #model()}. */
    public EncoderOperatorConfig encoder() {
        return encoder;
    }

    @Override
    public String toString() {
        return "StreamrecJobConfig{bootstrapServers=" + bootstrapServers + ", topics=" + topics
                + ", eventFormat=" + eventFormat + ", deadLetterFormat=" + deadLetterFormat
                + ", validationLimits=" + validationLimits
                + ", historyPolicy=" + historyPolicy
                + ", consumerGroup=" + consumerGroup + ", startingOffsets=" + startingOffsets
                + ", bounded=" + bounded + ", readProfiles=" + readProfiles
                + ", publishUserFeatures=" + publishUserFeatures + ", parallelism=" + parallelism
                + ", maxParallelism=" + maxParallelism + ", checkpointInterval=" + checkpointInterval
                + ", checkpointDir=" + checkpointDir + ", incrementalCheckpoints=" + incrementalCheckpoints
                + ", restoreFrom=" + restoreFrom.orElse("none") + ", maxOutOfOrderness=" + maxOutOfOrderness
                + ", maxWaitingEvents=" + maxWaitingEvents + ", applyOrder=" + applyOrder
                + ", sourceIdleness=" + sourceIdleness + ", watermarkInterval=" + watermarkInterval
                + ", bufferTimeout=" + bufferTimeout + ", managedMemory=" + managedMemory
                + ", rocksdbWriteBufferSize=" + rocksdbWriteBufferSize + ", rocksdbBloomFilter=" + rocksdbBloomFilter
                + ", stateCompression=" + stateCompression
                + ", restartAttempts=" + restartAttempts + ", restartInitialBackoff=" + restartInitialBackoff
                + ", restartMaxBackoff=" + restartMaxBackoff
                + ", deliveryGuarantee=" + deliveryGuarantee
                + ", transactionalIdPrefix=" + effectiveTransactionalIdPrefix()
                + ", transactionTimeout=" + transactionTimeout
                + ", kafkaProperties=" + redacted(kafkaProperties)
                + ", encodeUserVectors=" + encodeUserVectors + ", model=" + model
                + ", trainer=" + trainer + ", encoder=" + encoder + "}";
    }

    private static Map<String, String> redacted(Map<String, String> properties) {
        return KafkaAccess.masked(properties);
    }

    /** Builds a {@link StreamrecJobConfig}; unset options keep their documented defaults. */
    public static final class Builder {
        private String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;
        private TopicNames topics = TopicNames.defaults();
        private WireFormat eventFormat = DEFAULT_EVENT_FORMAT;
        private WireFormat deadLetterFormat = DEFAULT_DEAD_LETTER_FORMAT;
        private ValidationLimits validationLimits = ValidationLimits.defaults();
        private HistoryPolicy historyPolicy = HistoryPolicy.defaults();
        private String consumerGroup = DEFAULT_CONSUMER_GROUP;
        private StartingOffsets startingOffsets = DEFAULT_STARTING_OFFSETS;
        private boolean bounded = DEFAULT_BOUNDED;
        private boolean readProfiles = DEFAULT_READ_PROFILES;
        private boolean publishUserFeatures = DEFAULT_PUBLISH_USER_FEATURES;
        private int parallelism = DEFAULT_PARALLELISM;
        private int maxParallelism = DEFAULT_MAX_PARALLELISM;
        private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private Path checkpointDir = DEFAULT_CHECKPOINT_DIR;
        private boolean incrementalCheckpoints = DEFAULT_INCREMENTAL_CHECKPOINTS;
        private String restoreFrom;
        private Duration maxOutOfOrderness = DEFAULT_MAX_OUT_OF_ORDERNESS;
        private int maxWaitingEvents = DEFAULT_MAX_WAITING_EVENTS;
        private ApplyOrder applyOrder = DEFAULT_APPLY_ORDER;
        private Duration sourceIdleness = DEFAULT_SOURCE_IDLENESS;
        private Duration watermarkInterval = DEFAULT_WATERMARK_INTERVAL;
        private Duration bufferTimeout = DEFAULT_BUFFER_TIMEOUT;
        private MemorySize managedMemory = DEFAULT_MANAGED_MEMORY;
        private MemorySize rocksdbWriteBufferSize = DEFAULT_ROCKSDB_WRITE_BUFFER_SIZE;
        private boolean rocksdbBloomFilter = DEFAULT_ROCKSDB_BLOOM_FILTER;
        private StateCompression stateCompression = DEFAULT_STATE_COMPRESSION;
        private int restartAttempts = DEFAULT_RESTART_ATTEMPTS;
        private Duration restartInitialBackoff = DEFAULT_RESTART_INITIAL_BACKOFF;
        private Duration restartMaxBackoff = DEFAULT_RESTART_MAX_BACKOFF;
        private DeliveryGuarantee deliveryGuarantee = DEFAULT_DELIVERY_GUARANTEE;
        private String transactionalIdPrefix;
        private Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
        private final Map<String, String> kafkaProperties = new HashMap<>();
        private boolean encodeUserVectors = DEFAULT_ENCODE_USER_VECTORS;
        private String model = DEFAULT_MODEL;
        private TrainerOperatorConfig trainer;
        private EncoderOperatorConfig encoder;

        private Builder() {}

        public Builder encodeUserVectors(boolean encodeUserVectors) {
            this.encodeUserVectors = encodeUserVectors;
            return this;
        }

        /**
         * The model by its registered name. The trainer and encoder take that model's defaults unless given
         * with {@link #trainer} and {@link #encoder}, which must then name the same model.
         */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The trainer's settings; null takes the defaults for {@link #model}. */
        public Builder trainer(TrainerOperatorConfig trainer) {
            this.trainer = trainer;
            return this;
        }

        /** The encoder's settings; null takes the defaults for {@link #model}. */
        public Builder encoder(EncoderOperatorConfig encoder) {
            this.encoder = encoder;
            return this;
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        public Builder topics(TopicNames topics) {
            this.topics = Objects.requireNonNull(topics, "topics");
            return this;
        }

        public Builder eventFormat(WireFormat eventFormat) {
            this.eventFormat = Objects.requireNonNull(eventFormat, "eventFormat");
            return this;
        }

        public Builder deadLetterFormat(WireFormat deadLetterFormat) {
            this.deadLetterFormat = Objects.requireNonNull(deadLetterFormat, "deadLetterFormat");
            return this;
        }

        public Builder validationLimits(ValidationLimits validationLimits) {
            this.validationLimits = Objects.requireNonNull(validationLimits, "validationLimits");
            return this;
        }

        public Builder historyPolicy(HistoryPolicy historyPolicy) {
            this.historyPolicy = Objects.requireNonNull(historyPolicy, "historyPolicy");
            return this;
        }

        public Builder consumerGroup(String consumerGroup) {
            this.consumerGroup = Objects.requireNonNull(consumerGroup, "consumerGroup");
            return this;
        }

        public Builder startingOffsets(StartingOffsets startingOffsets) {
            this.startingOffsets = Objects.requireNonNull(startingOffsets, "startingOffsets");
            return this;
        }

        public Builder bounded(boolean bounded) {
            this.bounded = bounded;
            return this;
        }

        public Builder readProfiles(boolean readProfiles) {
            this.readProfiles = readProfiles;
            return this;
        }

        public Builder publishUserFeatures(boolean publishUserFeatures) {
            this.publishUserFeatures = publishUserFeatures;
            return this;
        }

        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        public Builder maxParallelism(int maxParallelism) {
            this.maxParallelism = maxParallelism;
            return this;
        }

        public Builder checkpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = Objects.requireNonNull(checkpointInterval, "checkpointInterval");
            return this;
        }

        public Builder checkpointDir(Path checkpointDir) {
            this.checkpointDir = Objects.requireNonNull(checkpointDir, "checkpointDir");
            return this;
        }

        public Builder incrementalCheckpoints(boolean incrementalCheckpoints) {
            this.incrementalCheckpoints = incrementalCheckpoints;
            return this;
        }

        /** A checkpoint or savepoint path to resume from; null starts fresh. */
        public Builder restoreFrom(String restoreFrom) {
            this.restoreFrom = restoreFrom;
            return this;
        }

        public Builder maxOutOfOrderness(Duration maxOutOfOrderness) {
            this.maxOutOfOrderness = Objects.requireNonNull(maxOutOfOrderness, "maxOutOfOrderness");
            return this;
        }

        public Builder maxWaitingEvents(int maxWaitingEvents) {
            this.maxWaitingEvents = maxWaitingEvents;
            return this;
        }

        public Builder applyOrder(ApplyOrder applyOrder) {
            this.applyOrder = Objects.requireNonNull(applyOrder, "applyOrder");
            return this;
        }

        public Builder sourceIdleness(Duration sourceIdleness) {
            this.sourceIdleness = Objects.requireNonNull(sourceIdleness, "sourceIdleness");
            return this;
        }

        public Builder watermarkInterval(Duration watermarkInterval) {
            this.watermarkInterval = Objects.requireNonNull(watermarkInterval, "watermarkInterval");
            return this;
        }

        public Builder bufferTimeout(Duration bufferTimeout) {
            this.bufferTimeout = Objects.requireNonNull(bufferTimeout, "bufferTimeout");
            return this;
        }

        public Builder managedMemory(MemorySize managedMemory) {
            this.managedMemory = Objects.requireNonNull(managedMemory, "managedMemory");
            return this;
        }

        public Builder rocksdbWriteBufferSize(MemorySize rocksdbWriteBufferSize) {
            this.rocksdbWriteBufferSize = Objects.requireNonNull(rocksdbWriteBufferSize, "rocksdbWriteBufferSize");
            return this;
        }

        public Builder rocksdbBloomFilter(boolean rocksdbBloomFilter) {
            this.rocksdbBloomFilter = rocksdbBloomFilter;
            return this;
        }

        public Builder stateCompression(StateCompression stateCompression) {
            this.stateCompression = Objects.requireNonNull(stateCompression, "stateCompression");
            return this;
        }

        /** Restarts before the job fails for good; 0 never restarts. */
        public Builder restartAttempts(int restartAttempts) {
            this.restartAttempts = restartAttempts;
            return this;
        }

        public Builder restartInitialBackoff(Duration restartInitialBackoff) {
            this.restartInitialBackoff = Objects.requireNonNull(restartInitialBackoff, "restartInitialBackoff");
            return this;
        }

        public Builder restartMaxBackoff(Duration restartMaxBackoff) {
            this.restartMaxBackoff = Objects.requireNonNull(restartMaxBackoff, "restartMaxBackoff");
            return this;
        }

        public Builder deliveryGuarantee(DeliveryGuarantee deliveryGuarantee) {
            this.deliveryGuarantee = Objects.requireNonNull(deliveryGuarantee, "deliveryGuarantee");
            return this;
        }

        /** Prefix of the Kafka transactional ids of exactly-once sinks; null uses the consumer group. */
        public Builder transactionalIdPrefix(String transactionalIdPrefix) {
            this.transactionalIdPrefix = transactionalIdPrefix;
            return this;
        }

        public Builder transactionTimeout(Duration transactionTimeout) {
            this.transactionTimeout = Objects.requireNonNull(transactionTimeout, "transactionTimeout");
            return this;
        }

        /** An extra Kafka client property for every source and sink (e.g. {@code security.protocol}). */
        public Builder kafkaProperty(String key, String value) {
            if (RESERVED_KAFKA_PROPERTIES.contains(key)) {
                throw new IllegalArgumentException("Kafka property '" + key + "' is set by the job itself: use "
                        + "the matching StreamrecJobConfig option instead");
            }
            kafkaProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Builds and {@linkplain StreamrecJobConfig#validate() validates}. */
        public StreamrecJobConfig build() {
            return new StreamrecJobConfig(this).validate();
        }
    }

    private static final Set<String> RESERVED_KAFKA_PROPERTIES = Set.of(
            "bootstrap.servers",
            "group.id",
            "transactional.id",
            "transaction.timeout.ms",
            "key.deserializer",
            "value.deserializer",
            "key.serializer",
            "value.serializer");
}
