package io.streamrec.flink.job;

import static io.streamrec.flink.job.JobOptions.*;

import io.streamrec.config.InvalidConfigException;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.flink.encode.EncoderOperatorConfig;
import io.streamrec.flink.ingest.DeadLetterTopic;
import io.streamrec.flink.ingest.KafkaSettings;
import io.streamrec.flink.state.MemtableBloomOptionsFactory;
import io.streamrec.flink.train.TrainerOperatorConfig;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.validate.ValidationLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The configuration of the streaming job: the values of {@link JobOptions} (read them with {@link #get}), and what
 * derives from them: the topics, the user-history policy, the validation limits, the trainer's and the encoders'
 * settings, and the Flink configuration. A built config is valid: every way to make one ({@link Builder#build()},
 * {@link #fromStrings}, {@link #fromFlinkConfiguration}) checks every option and reports every problem at once, each
 * saying what to change.
 */
public final class StreamrecJobConfig {

    /** Room beyond the trainer's chunk for the record batch framing, key and headers of a model update. */
    static final int MODEL_UPDATE_FRAMING_BYTES = 64 * 1024;

    private final Settings settings;
    private final HistoryPolicy historyPolicy;
    private final TrainerOperatorConfig trainer;
    private final EncoderOperatorConfig encoder;

    private StreamrecJobConfig(Settings settings) {
        this.settings = settings;
        this.historyPolicy = HistoryPolicy.from(settings);
        this.trainer = TrainerOperatorConfig.from(settings);
        this.encoder = EncoderOperatorConfig.from(settings);
    }

    public static Builder builder() {
        return new Builder(Settings.builder());
    }

    /** A builder holding this config's values, to derive a variant (e.g. the same job restored). */
    public Builder toBuilder() {
        return new Builder(settings.toBuilder());
    }

    /**
     * The job configured by text: option keys as {@link JobOptions} declares them, map entries under their prefix
     * ({@code kafka.security.protocol}, {@code trainer.batch-size}).
     *
     * @param naming how problems name options: {@code --key} for a command line, {@code streamrec.key} for Flink
     * @throws InvalidConfigException listing every unknown key, unreadable value and failed check at once
     */
    public static StreamrecJobConfig fromStrings(Map<String, String> values, OptionTable.Naming naming) {
        return new StreamrecJobConfig(TABLE.parse(values, naming));
    }

    /**
     * The job configured by a Flink configuration: every {@code streamrec.*} key ({@code -Dstreamrec.parallelism=4}
     * on {@code flink run}, or an entry of the cluster's {@code config.yaml}); other keys are Flink's own.
     *
     * @throws InvalidConfigException listing every problem, options named by their Flink keys
     */
    public static StreamrecJobConfig fromFlinkConfiguration(ReadableConfig flink) {
        Map<String, String> values = new LinkedHashMap<>();
        flink.toMap().forEach((key, value) -> {
            if (key.startsWith(FLINK_PREFIX)) {
                values.put(key.substring(FLINK_PREFIX.length()), value);
            }
        });
        return fromStrings(values, OptionTable.Naming.prefixed(FLINK_PREFIX));
    }

    /** The value of one of {@link JobOptions}: the one given, or its default. */
    public <T> T get(Option<T> option) {
        return settings.get(option);
    }

    /** The values given (defaults not included), as {@link #fromStrings} reads them. */
    public Settings settings() {
        return settings;
    }

    /** The topic names. */
    public TopicNames topics() {
        return new TopicNames(
                get(EVENTS_TOPIC),
                get(PROFILES_TOPIC),
                get(DLQ_TOPIC),
                get(USER_FEATURES_TOPIC),
                get(USER_VECTORS_TOPIC),
                get(MODEL_UPDATES_TOPIC));
    }

    /** Sessions, long-term history and dedup rules of user state. */
    public HistoryPolicy historyPolicy() {
        return historyPolicy;
    }

    /** Limits records must respect to be accepted. */
    public ValidationLimits validationLimits() {
        return new ValidationLimits(
                get(MAX_ID_LENGTH),
                get(MAX_PAYLOAD_BYTES),
                get(MAX_FUTURE_SKEW),
                get(MAX_WEIGHT),
                get(MAX_PROFILE_FEATURES));
    }

    /** The trainer operator's settings, the model's included. */
    public TrainerOperatorConfig trainer() {
        return trainer;
    }

    /** The encoder operator's settings, the model's included. */
    public EncoderOperatorConfig encoder() {
        return encoder;
    }

    /** The idleness the sources use: {@link JobOptions#SOURCE_IDLENESS}, or 0 when bounded (its end releases them). */
    public Duration effectiveSourceIdleness() {
        return get(BOUNDED) ? Duration.ZERO : get(SOURCE_IDLENESS);
    }

    /** The transactional id prefix of exactly-once sinks: the configured one, else the consumer group. */
    public String effectiveTransactionalIdPrefix() {
        return settings.getOptional(TRANSACTIONAL_ID_PREFIX).orElse(get(CONSUMER_GROUP));
    }

    /**
     * The Kafka client settings of every client of the job: those of {@link JobOptions#KAFKA_PROPERTIES_FILE}
     * overridden by {@link JobOptions#KAFKA_PROPERTIES}.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public Map<String, String> kafkaProperties() {
        Path file = settings.getOptional(KAFKA_PROPERTIES_FILE).map(Path::of).orElse(null);
        return KafkaAccess.merge(file, get(KAFKA_PROPERTIES));
    }

    /** The bootstrap servers with the client settings: how every client of this job reaches Kafka. */
    public KafkaAccess kafkaAccess() {
        return new KafkaAccess(get(BOOTSTRAP_SERVERS), kafkaProperties());
    }

    /** What the job's Kafka sources and sinks need of this configuration. */
    public KafkaSettings kafka() {
        OffsetsInitializer start = switch (get(STARTING_OFFSETS)) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
        return new KafkaSettings(
                get(BOOTSTRAP_SERVERS),
                kafkaProperties(),
                get(CONSUMER_GROUP),
                start,
                get(BOUNDED),
                get(DELIVERY_GUARANTEE),
                effectiveTransactionalIdPrefix(),
                get(TRANSACTION_TIMEOUT));
    }

    /** The dead-letter topic and the format refused records are written in. */
    public DeadLetterTopic deadLetterTopic() {
        return new DeadLetterTopic(topics().eventsDlq(), get(DEAD_LETTER_FORMAT));
    }

    /** {@link JobOptions#CHECKPOINT_DIR} as the URI Flink expects: a local folder becomes an absolute file URI. */
    public String checkpointDirUri() {
        String dir = get(CHECKPOINT_DIR);
        return dir.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")
                ? dir
                : Path.of(dir).toAbsolutePath().normalize().toUri().toString();
    }

    /**
     * The {@code max.message.bytes} of {@code model-updates} and the {@code max.request.size} of its producer: the
     * trainer's largest chunk plus room for the record framing.
     */
    public int modelUpdatesMaxMessageBytes() {
        return get(TrainerOperatorConfig.MAX_MESSAGE_BYTES) + MODEL_UPDATE_FRAMING_BYTES;
    }

    /** The topics this configuration reads or writes, for {@link Topics#createIfAbsent}. */
    public List<TopicSpec> requiredTopics(int partitions) {
        TopicNames topics = topics();
        List<TopicSpec> specs = new ArrayList<>();
        specs.add(TopicSpec.of(topics.events(), partitions));
        specs.add(TopicSpec.of(topics.eventsDlq(), partitions));
        if (get(READ_PROFILES)) {
            specs.add(TopicSpec.compacted(topics.userProfiles(), partitions));
        }
        if (get(PUBLISH_USER_FEATURES)) {
            specs.add(TopicSpec.of(topics.userFeatures(), partitions));
        }
        if (get(VECTORS)) {
            specs.add(TopicSpec.compacted(topics.userVectors(), partitions));
            // one partition: every version of the model is read in the order the trainer wrote it
            specs.add(TopicSpec.of(topics.modelUpdates(), 1).withMaxMessageBytes(modelUpdatesMaxMessageBytes()));
        }
        return specs;
    }

    /**
     * The Flink configuration of this job: RocksDB state, object reuse between chained operators, checkpoints every
     * {@link JobOptions#CHECKPOINT_INTERVAL} (incremental if enabled) retained on cancellation so a stopped job can
     * resume, the restore path when set, the parallelism; and every value given but secrets, as {@code streamrec.*}
     * keys, so the job's settings show in Flink's web UI and a job started from this configuration reads them back.
     */
    public Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        settings.toStrings().forEach((key, value) -> {
            // a secret stays out of what Flink shows (web UI, REST): the job graph carries it to the Kafka clients
            if (!isSecret(key)) {
                conf.setString(FLINK_PREFIX + key, value);
            }
        });
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        // timers live in RocksDB beside the state they clean up (stated, so that a cluster default cannot move the
        // user-state operator's millions of cleanup timers onto the heap)
        conf.set(RocksDBOptions.TIMER_SERVICE_FACTORY, PriorityQueueStateType.ROCKSDB);
        // every operator of the job builds fresh records and never changes one it has emitted or received, so
        // chained operators may share them instead of paying Flink's defensive deep copy of every Avro record
        // (docs/benchmarks.md, "Measurements behind the code's choices")
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirUri());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, get(CHECKPOINT_INTERVAL));
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, get(INCREMENTAL_CHECKPOINTS));
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // a bounded replay ends with a final checkpoint, which commits the last exactly-once transaction
        conf.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, true);
        settings.getOptional(RESTORE_FROM).ifPresent(path -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path));
        conf.set(CoreOptions.DEFAULT_PARALLELISM, get(PARALLELISM));
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, get(WATERMARK_INTERVAL));
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, get(BUFFER_TIMEOUT));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, get(MANAGED_MEMORY)); // read by a local cluster only
        conf.set(RocksDBConfigurableOptions.WRITE_BUFFER_SIZE, get(ROCKSDB_WRITE_BUFFER));
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, get(ROCKSDB_BLOOM_FILTER));
        if (get(ROCKSDB_BLOOM_FILTER)) {
            conf.set(RocksDBOptions.OPTIONS_FACTORY, MemtableBloomOptionsFactory.class.getName());
        }
        conf.set(
                RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL,
                List.of(get(STATE_COMPRESSION).rocksdbType()));
        conf.set(PipelineOptions.MAX_PARALLELISM, get(MAX_PARALLELISM));
        setRestartStrategy(conf);
        return conf;
    }

    private void setRestartStrategy(Configuration conf) {
        if (get(RESTART_ATTEMPTS) == 0) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            return;
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, get(RESTART_ATTEMPTS));
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                get(RESTART_INITIAL_BACKOFF));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, get(RESTART_MAX_BACKOFF));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
    }

    /** The values given, each that is or may hold a secret (a Kafka password, the JAAS login...) masked. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        settings.toStrings().forEach((key, value) -> shown.put(key, isSecret(key) ? "[hidden]" : value));
        return "StreamrecJobConfig" + shown;
    }

    /** A setting that is or may hold a secret: a Kafka password, the JAAS login, a key... */
    private static boolean isSecret(String key) {
        String prefix = KAFKA_PROPERTIES.prefix();
        return KafkaAccess.isSecret(key)
                || key.startsWith(prefix) && KafkaAccess.isSecret(key.substring(prefix.length()));
    }

    /** Sets options; unset ones keep the defaults {@link JobOptions} declares. */
    public static final class Builder {
        private final Settings.Builder settings;

        private Builder(Settings.Builder settings) {
            this.settings = settings;
        }

        public <T> Builder set(Option<T> option, T value) {
            settings.set(option, value);
            return this;
        }

        /**
         * Checks every value and the rules between them.
         *
         * @throws InvalidConfigException listing every problem
         */
        public StreamrecJobConfig build() {
            return new StreamrecJobConfig(TABLE.check(settings.build()));
        }
    }
}
