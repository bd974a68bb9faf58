package io.streamrec.flink.job;

import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.OptionType;
import io.streamrec.config.Settings;
import io.streamrec.flink.encode.EncoderOperatorConfig;
import io.streamrec.flink.state.ApplyOrder;
import io.streamrec.flink.train.TrainerOperatorConfig;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Every option of the streaming job, declared once. This table is the job's configuration: {@code streamrec run}
 * offers each option as {@code --<key>} with its help, a Flink configuration sets it as {@code streamrec.<key>}
 * ({@code -Dstreamrec.checkpoint-interval=5s}, or a {@code config.yaml} entry), {@link StreamrecJobConfig} reads and
 * checks the values, and the README's configuration table is generated from it (a test keeps them in step).
 *
 * <p>Each capability declares its own options beside its code ({@link HistoryPolicy#OPTIONS},
 * {@link ModelSettings}, {@link TrainerOperatorConfig#OPTIONS}, {@link EncoderOperatorConfig#OPTIONS}); this class
 * declares the job's wiring (Kafka, topics, event time, validation, Flink, RocksDB) and puts them all in one table.
 * A new option is one declaration here or there, and one line in {@link #TABLE}.
 */
public final class JobOptions {

    /** The prefix of the job's keys in a Flink configuration. */
    public static final String FLINK_PREFIX = "streamrec.";

    /** Memory sizes as Flink writes them: {@code 256mb}, {@code 1gb}. */
    public static final OptionType<MemorySize> MEMORY_SIZE =
            OptionType.of("SIZE", "a memory size such as 256mb or 1gb", MemorySize::parse, JobOptions::formatSize);

    /** Kafka client properties the job sets itself, from its own options. */
    static final Set<String> RESERVED_KAFKA_PROPERTIES = Set.of(
            "bootstrap.servers",
            "group.id",
            "transactional.id",
            "transaction.timeout.ms",
            "key.deserializer",
            "value.deserializer",
            "key.serializer",
            "value.serializer");

    // ---- Kafka

    public static final Option<String> BOOTSTRAP_SERVERS = Option.key("bootstrap-servers")
            .stringType()
            .defaultValue("localhost:9092")
            .withDefaultText("localhost:9092; run: a broker in its JVM")
            .withDescription("The Kafka brokers (host:port,...). Without it, streamrec run starts a Kafka broker in"
                    + " its own JVM and prints its address.")
            .withCheck(Check.notBlank("localhost:9092"));

    public static final Option<String> CONSUMER_GROUP = Option.key("consumer-group")
            .stringType()
            .defaultValue("streamrec")
            .withDescription("Consumer group of the job's sources; unique per job.")
            .withCheck(Check.notBlank("streamrec"));

    public static final Option<StartingOffsets> STARTING_OFFSETS = Option.key("starting-offsets")
            .enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.EARLIEST)
            .withDescription("Where the sources start: earliest (replay what the topics retain), latest (only new"
                    + " events) or committed (the group's offsets, else earliest).");

    public static final Option<WireFormat> EVENT_FORMAT = Option.key("event-format")
            .enumType(WireFormat.class)
            .defaultValue(WireFormat.JSON)
            .withDescription("Wire format of the events and user-profiles topics: json (natural JSON, what most"
                    + " producers write) or avro (Avro binary of the schemas). The replay writes it too.");

    public static final Option<WireFormat> DEAD_LETTER_FORMAT = Option.key("dead-letter-format")
            .enumType(WireFormat.class)
            .defaultValue(WireFormat.JSON)
            .withDescription("Format of the dead letters: json reads with any console consumer (the original bytes"
                    + " as base64, and as text when UTF-8).");

    public static final Option<DeliveryGuarantee> DELIVERY_GUARANTEE = Option.key("delivery-guarantee")
            .enumType(DeliveryGuarantee.class)
            .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
            .withDescription("Of the Kafka sinks: at-least-once (consumers keep the newest vector per user, so"
                    + " replays are harmless), exactly-once (Kafka transactions; consumers read read_committed) or"
                    + " none.");

    public static final Option<String> TRANSACTIONAL_ID_PREFIX = Option.key("transactional-id-prefix")
            .stringType()
            .noDefaultValue()
            .withDefaultText("the consumer group")
            .withDescription("Exactly-once only: the prefix of the sinks' Kafka transactional ids, unique per job.")
            .withCheck(Check.notBlank("the job's name, or leave it unset to use the consumer group"));

    public static final Option<Duration> TRANSACTION_TIMEOUT = Option.key("transaction-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("Exactly-once only: transaction.timeout.ms of the sinks, longer than the checkpoint"
                    + " interval and within the brokers' transaction.max.timeout.ms (15 min by default).")
            .withCheck(Check.positiveDuration());

    public static final Option<Map<String, String>> KAFKA_PROPERTIES = Option.key("kafka-property")
            .mapType("kafka.")
            .withDescription("An extra Kafka client property for every client: the job's sources and sinks and the"
                    + " run's own (security.protocol=SASL_SSL, ...); repeat it for more. Overrides"
                    + " kafka-properties-file.")
            .withCheck(Check.of(
                    properties -> properties.keySet().stream().noneMatch(RESERVED_KAFKA_PROPERTIES::contains),
                    "drop the properties the job sets from its own options " + new TreeSet<>(RESERVED_KAFKA_PROPERTIES)
                            + " and use those options"));

    public static final Option<String> KAFKA_PROPERTIES_FILE = Option.key("kafka-properties-file")
            .stringType()
            .noDefaultValue()
            .withDefaultText("none")
            .withDescription("A properties file of Kafka client settings (security.protocol, sasl.mechanism,"
                    + " sasl.jaas.config, ssl.truststore.location, ...) for every client: the job's sources and sinks"
                    + " and the run's own. Keeps secrets off the command line; a value may name a secret kept"
                    + " elsewhere through Kafka's config providers (file, env). kafka-property overrides it. Secrets"
                    + " are never printed.")
            .withCheck(Check.of(
                    file -> Files.isRegularFile(Path.of(file)) && Files.isReadable(Path.of(file)),
                    "name a properties file this user can read"));

    // ---- topics

    public static final Option<String> EVENTS_TOPIC = topic("events-topic", "events", "The events.");

    public static final Option<String> DLQ_TOPIC =
            topic("dlq-topic", "events-dlq", "Dead letters: every refused record with its reasons.");

    public static final Option<String> PROFILES_TOPIC =
            topic("profiles-topic", "user-profiles", "User profiles, compacted (latest per user).");

    public static final Option<String> USER_FEATURES_TOPIC = topic(
            "user-features-topic",
            "user-features",
            "Debug topic of every feature snapshot (see publish-user-features).");

    public static final Option<String> USER_VECTORS_TOPIC =
            topic("user-vectors-topic", "user-vectors", "User vectors, created compacted.");

    public static final Option<String> MODEL_UPDATES_TOPIC = topic(
            "model-updates-topic",
            "model-updates",
            "FULL and DELTA model updates, created with one partition so that every consumer reads the versions in"
                    + " order.");

    public static final Option<Boolean> READ_PROFILES = Option.key("read-profiles")
            .booleanType()
            .defaultValue(true)
            .withDescription("Join the user-profiles topic into user state.");

    public static final Option<Boolean> PUBLISH_USER_FEATURES = Option.key("publish-user-features")
            .booleanType()
            .defaultValue(false)
            .withDescription("Publish every feature snapshot as JSON on the user-features topic.");

    // ---- event time

    public static final Option<Duration> MAX_OUT_OF_ORDERNESS = Option.key("max-out-of-orderness")
            .durationType()
            .defaultValue(Duration.ofSeconds(2))
            .withDescription("How late an event may arrive and still be applied in order: the watermark trails the"
                    + " newest event by this much, so it is also the allowed lateness (later events go to the DLQ as"
                    + " late). Raise it for replays of files not sorted by time.")
            .withCheck(Check.notNegative());

    public static final Option<Integer> MAX_WAITING_EVENTS = Option.key("max-waiting-events")
            .intType()
            .defaultValue(250_000)
            .withDescription("Events each user-state subtask holds while they wait for the watermark (about rate ×"
                    + " max-out-of-orderness; about 1 KB each); past it the earliest are applied early and older"
                    + " arrivals become late (metric userState.eventsReleasedEarly).")
            .withCheck(Check.atLeast(1));

    /**
     * Arrival by default: the wait for the watermark (out-of-orderness plus watermark interval, 2.2 s by default)
     * was most of the latency of a vector. Kafka keeps each user's events in order within a partition, so only
     * events a producer sent out of order are re-inserted, and the stored state, checkpoints and recovery are
     * exactly those of event-time order. Event-time order is for replays whose per-event snapshots and training
     * examples must be exactly those of an in-order replay.
     */
    public static final Option<ApplyOrder> APPLY_ORDER = Option.key("apply-order")
            .enumType(ApplyOrder.class)
            .defaultValue(ApplyOrder.ARRIVAL)
            .withDescription("When user state applies an event. arrival: at once, with its vector, when it is not"
                    + " older than the user's last event (an older one within max-out-of-orderness is re-inserted"
                    + " in event-time order and the corrected state emitted); event-time: when the watermark passes"
                    + " it, for exact event-time replays. The stored state is the same in both.");

    public static final Option<Duration> SOURCE_IDLENESS = Option.key("source-idleness")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("A partition silent this long stops holding back event time; 0 never. A bounded job"
                    + " ignores it.")
            .withCheck(Check.notNegative());

    public static final Option<Duration> WATERMARK_INTERVAL = Option.key("watermark-interval")
            .durationType()
            .defaultValue(Duration.ofMillis(200))
            .withDescription("How often the sources emit watermarks; an event waits in user state for one (Flink's"
                    + " default).")
            .withCheck(Check.positiveDuration());

    // ---- validation

    public static final Option<Integer> MAX_ID_LENGTH = Option.key("max-id-length")
            .intType()
            .defaultValue(ValidationLimits.defaults().maxIdLength())
            .withDescription("Longest id or profile value accepted, in characters.")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> MAX_PAYLOAD_BYTES = Option.key("max-payload-bytes")
            .intType()
            .defaultValue(ValidationLimits.defaults().maxPayloadBytes())
            .withDescription("Largest record value accepted, before any parsing.")
            .withCheck(Check.atLeast(1));

    public static final Option<Duration> MAX_FUTURE_SKEW = Option.key("max-future-skew")
            .durationType()
            .defaultValue(ValidationLimits.defaults().maxFutureSkew())
            .withDescription("How far ahead of this machine's clock an event time may be; later ones go to the DLQ as"
                    + " timestamp-in-future, so one skewed producer cannot make everyone else late. Keep it within"
                    + " the events topic's message.timestamp.after.max.ms (Kafka's default 1h).")
            .withCheck(Check.notNegative());

    public static final Option<Double> MAX_WEIGHT = Option.key("max-weight")
            .doubleType()
            .defaultValue(ValidationLimits.defaults().maxWeight())
            .withDescription("Largest reward an event may carry.")
            .withCheck(Check.positiveNumber());

    public static final Option<Integer> MAX_PROFILE_FEATURES = Option.key("max-profile-features")
            .intType()
            .defaultValue(ValidationLimits.defaults().maxProfileFeatures())
            .withDescription("Most named features one user profile may carry.")
            .withCheck(Check.atLeast(1));

    // ---- model

    public static final Option<Boolean> VECTORS = Option.key("vectors")
            .booleanType()
            .defaultValue(true)
            .withDescription("Train the model and publish user vectors (model-updates, user-vectors); off, the job"
                    + " only ingests and keeps user state.");

    // ---- Flink

    public static final Option<Integer> PARALLELISM = Option.key("parallelism")
            .intType()
            .defaultValue(2)
            .withDescription("Subtasks of every operator but the trainer (always 1).")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> MAX_PARALLELISM = Option.key("max-parallelism")
            .intType()
            .defaultValue(128)
            .withDescription("Key groups of the keyed state: the most subtasks a restore may rescale to. Never change"
                    + " it once state exists.")
            .withCheck(Check.between(1, 32768));

    public static final Option<Duration> CHECKPOINT_INTERVAL = Option.key("checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("How often the job checkpoints (always on: checkpoints commit the Kafka offsets and, with"
                    + " exactly-once, the output).")
            .withCheck(Check.atLeast(Duration.ofMillis(100)));

    public static final Option<String> CHECKPOINT_DIR = Option.key("checkpoint-dir")
            .stringType()
            .defaultValue("streamrec-data/checkpoints")
            .withDefaultText("streamrec-data/checkpoints; run: <data-dir>/checkpoints")
            .withDescription("Where checkpoints go: a local folder, or a URI Flink can write (s3://..., hdfs://...)."
                    + " Retained when the job is cancelled, so it can resume.")
            .withCheck(Check.notBlank("streamrec-data/checkpoints"));

    public static final Option<Boolean> INCREMENTAL_CHECKPOINTS = Option.key("incremental-checkpoints")
            .booleanType()
            .defaultValue(true)
            .withDescription("RocksDB incremental checkpoints: only the state files written since the last one.");

    public static final Option<String> RESTORE_FROM = Option.key("restore-from")
            .stringType()
            .noDefaultValue()
            .withDescription("Resume from a retained checkpoint (<checkpoint-dir>/<job-id>/chk-<n>) or a savepoint.")
            .withCheck(JobOptions::restorePathProblem);

    public static final Option<Integer> RESTART_ATTEMPTS = Option.key("restart-attempts")
            .intType()
            .defaultValue(10)
            .withDescription("Restarts from the last checkpoint after a failure before the job fails for good (Flink's"
                    + " exponential delay; the count starts again after an hour without failure): enough to ride out a"
                    + " broker or disk hiccup of minutes, while a job that cannot run stops within about five. 0 never"
                    + " restarts.")
            .withCheck(Check.atLeast(0));

    public static final Option<Duration> RESTART_INITIAL_BACKOFF = Option.key("restart-initial-backoff")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("The wait before the first restart, doubled for each further one.")
            .withCheck(Check.positiveDuration());

    public static final Option<Duration> RESTART_MAX_BACKOFF = Option.key("restart-max-backoff")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("The longest wait between two restarts.")
            .withCheck(Check.positiveDuration());

    public static final Option<Boolean> BOUNDED = Option.key("bounded")
            .booleanType()
            .defaultValue(false)
            .withDescription("Stop at the offsets that were latest when the job started (tests and replays of"
                    + " ingestion only: the encoders follow model-updates for as long as the job runs).");

    public static final Option<Duration> BUFFER_TIMEOUT = Option.key("buffer-timeout")
            .durationType()
            .defaultValue(Duration.ofMillis(100))
            .withDescription("The longest a partly filled network buffer waits before it is sent (two exchanges lie on"
                    + " the event-to-vector path); 0 sends every record.")
            .withCheck(Check.notNegative());

    // ---- RocksDB

    public static final Option<MemorySize> MANAGED_MEMORY = Option.key("managed-memory")
            .type(MEMORY_SIZE)
            .defaultValue(MemorySize.ofMebiBytes(1024))
            .withDescription("Flink managed memory of the local cluster, shared by RocksDB's memtables and block"
                    + " cache (a cluster's task managers set their own). Flink's local default, 128 MB between the"
                    + " slots, had user histories flushed and read back from disk seconds after they were written.")
            .withCheck(Check.of(size -> size.compareTo(MemorySize.ofMebiBytes(16)) >= 0, "set it to at least 16mb"));

    public static final Option<MemorySize> ROCKSDB_WRITE_BUFFER = Option.key("rocksdb-write-buffer")
            .type(MEMORY_SIZE)
            .defaultValue(MemorySize.ofMebiBytes(256))
            .withDescription("RocksDB memtable size per state (Flink's default is 64 MB): a user's events come in"
                    + " sessions, so the histories being read are the ones written lately, which the memtable"
                    + " answers until the next checkpoint flushes it.")
            .withCheck(Check.of(size -> size.compareTo(MemorySize.ofMebiBytes(1)) >= 0, "set it to at least 1mb"));

    public static final Option<Boolean> ROCKSDB_BLOOM_FILTER = Option.key("rocksdb-bloom-filter")
            .booleanType()
            .defaultValue(true)
            .withDescription("Bloom filters in RocksDB's state files (Flink's default is off) and memtables: every"
                    + " checkpoint flushes the memtables into a new file, and a history read would otherwise look"
                    + " into each.");

    public static final Option<StateCompression> STATE_COMPRESSION = Option.key("state-compression")
            .enumType(StateCompression.class)
            .defaultValue(StateCompression.LZ4)
            .withDescription("How RocksDB compresses the state files: none, snappy (Flink's default) or lz4, which"
                    + " decompresses faster the block a history read from a file needs.");

    /** Every option of the job, in the order {@code streamrec run --help} and the README show them. */
    public static final OptionTable TABLE = OptionTable.builder("streamrec job configuration")
            .section(
                    "Kafka",
                    BOOTSTRAP_SERVERS,
                    CONSUMER_GROUP,
                    STARTING_OFFSETS,
                    EVENT_FORMAT,
                    DEAD_LETTER_FORMAT,
                    DELIVERY_GUARANTEE,
                    TRANSACTIONAL_ID_PREFIX,
                    TRANSACTION_TIMEOUT,
                    KAFKA_PROPERTIES,
                    KAFKA_PROPERTIES_FILE)
            .section(
                    "Topics",
                    EVENTS_TOPIC,
                    DLQ_TOPIC,
                    PROFILES_TOPIC,
                    USER_FEATURES_TOPIC,
                    USER_VECTORS_TOPIC,
                    MODEL_UPDATES_TOPIC,
                    READ_PROFILES,
                    PUBLISH_USER_FEATURES)
            .section(
                    "Event time",
                    MAX_OUT_OF_ORDERNESS,
                    MAX_WAITING_EVENTS,
                    APPLY_ORDER,
                    SOURCE_IDLENESS,
                    WATERMARK_INTERVAL)
            .section("Validation", MAX_ID_LENGTH, MAX_PAYLOAD_BYTES, MAX_FUTURE_SKEW, MAX_WEIGHT, MAX_PROFILE_FEATURES)
            .include(HistoryPolicy.OPTIONS)
            .section("Model", VECTORS, ModelSettings.MODEL, ModelSettings.SETTINGS)
            .crossChecksOf(ModelSettings.OPTIONS)
            .include(TrainerOperatorConfig.OPTIONS)
            .include(EncoderOperatorConfig.OPTIONS)
            .section(
                    "Flink",
                    PARALLELISM,
                    MAX_PARALLELISM,
                    CHECKPOINT_INTERVAL,
                    CHECKPOINT_DIR,
                    INCREMENTAL_CHECKPOINTS,
                    RESTORE_FROM,
                    RESTART_ATTEMPTS,
                    RESTART_INITIAL_BACKOFF,
                    RESTART_MAX_BACKOFF,
                    BOUNDED,
                    BUFFER_TIMEOUT)
            .section("RocksDB", MANAGED_MEMORY, ROCKSDB_WRITE_BUFFER, ROCKSDB_BLOOM_FILTER, STATE_COMPRESSION)
            .crossCheck(JobOptions::checkTogether)
            .build();

    private JobOptions() {}

    private static Option<String> topic(String key, String defaultName, String description) {
        return Option.key(key)
                .stringType()
                .defaultValue(defaultName)
                .withDescription(description)
                .withCheck(Check.of(
                        name -> name.matches("[a-zA-Z0-9._-]{1,249}"),
                        "use a legal Kafka topic name: up to 249 letters, digits, '.', '_' or '-'"));
    }

    /** The topic options by the role they name, in contract order. */
    static List<Option<String>> topicOptions() {
        return List.of(
                EVENTS_TOPIC, PROFILES_TOPIC, DLQ_TOPIC, USER_FEATURES_TOPIC, USER_VECTORS_TOPIC, MODEL_UPDATES_TOPIC);
    }

    private static void checkTogether(Settings settings, OptionTable.Problems problems) {
        if (settings.get(PARALLELISM) > settings.get(MAX_PARALLELISM)) {
            problems.add(problems.name(PARALLELISM) + " " + settings.get(PARALLELISM) + " exceeds "
                    + problems.name(MAX_PARALLELISM) + " " + settings.get(MAX_PARALLELISM) + ": lower the parallelism,"
                    + " or raise the max parallelism (only before the first checkpoint: changing it later makes keyed"
                    + " state unrestorable)");
        }
        if (settings.get(DELIVERY_GUARANTEE) == DeliveryGuarantee.EXACTLY_ONCE
                && settings.get(TRANSACTION_TIMEOUT).compareTo(settings.get(CHECKPOINT_INTERVAL)) <= 0) {
            problems.add(problems.name(TRANSACTION_TIMEOUT) + " " + formatDuration(settings.get(TRANSACTION_TIMEOUT))
                    + " is not longer than " + problems.name(CHECKPOINT_INTERVAL) + " "
                    + formatDuration(settings.get(CHECKPOINT_INTERVAL)) + ": transactions stay open until the next"
                    + " checkpoint, so raise the timeout");
        }
        Map<String, Option<String>> topicByName = new HashMap<>();
        for (Option<String> topic : topicOptions()) {
            Option<String> other = topicByName.putIfAbsent(settings.get(topic), topic);
            if (other != null) {
                problems.add(problems.name(topic) + " and " + problems.name(other) + " are both '" + settings.get(topic)
                        + "': give each its own topic");
            }
        }
        if (settings.get(RESTART_MAX_BACKOFF).compareTo(settings.get(RESTART_INITIAL_BACKOFF)) < 0) {
            problems.add(problems.name(RESTART_MAX_BACKOFF) + " " + formatDuration(settings.get(RESTART_MAX_BACKOFF))
                    + " is shorter than " + problems.name(RESTART_INITIAL_BACKOFF) + " "
                    + formatDuration(settings.get(RESTART_INITIAL_BACKOFF))
                    + ": raise the longest wait or lower the first");
        }
        if (settings.get(BOUNDED) && settings.get(VECTORS)) {
            problems.add(problems.name(BOUNDED) + " is set, but the encoders follow model-updates for as long as the"
                    + " job runs, so it would never finish: turn " + problems.name(VECTORS) + " off for a bounded"
                    + " ingestion-only replay, or run unbounded and cancel the job");
        }
    }

    /** Null when {@code path} names a completed checkpoint or a savepoint, or is not on the local file system. */
    private static String restorePathProblem(String path) {
        if (path.isBlank()) {
            return "leave it unset to start fresh, or give a checkpoint or savepoint folder";
        }
        URI uri = URI.create(path.replace(" ", "%20"));
        if (uri.getScheme() != null && !"file".equals(uri.getScheme())) {
            return null; // a remote file system: Flink checks it when the job starts
        }
        Path folder = uri.getScheme() == null ? Path.of(path) : Path.of(uri);
        if (!Files.exists(folder)) {
            return "it does not exist; give a retained checkpoint folder (<checkpoint-dir>/<job-id>/chk-<n>) or a"
                    + " savepoint folder";
        }
        if (!Files.exists(folder.resolve("_metadata"))) {
            return "it has no _metadata file; give a completed checkpoint folder (chk-<n>) or a savepoint folder, not"
                    + " its parent";
        }
        return null;
    }

    private static String formatSize(MemorySize size) {
        return size.toString().replace(" ", "");
    }

    private static String formatDuration(Duration d) {
        return OptionType.DURATION.format(d);
    }
}
