package io.streamrec.launcher.cli;

import static io.streamrec.launcher.cli.DurationConverter.format;

import io.streamrec.embedded.BindAddress;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.TopicNames;
import io.streamrec.flink.train.TrainerOperatorConfig;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.validate.ValidationLimits;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@code streamrec run}, taken from the configuration classes themselves so that
 * the help text and the job can never disagree.
 */
final class RunDefaults implements IDefaultValueProvider {

    /** Run-only settings (not part of the job's configuration). */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    static final String DATA_DIR = "streamrec-data";

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("--progress-interval", format(PROGRESS_INTERVAL)),
            Map.entry("--data-dir", DATA_DIR),
            Map.entry("--bind-address", BindAddress.LOOPBACK),
            Map.entry("--events-topic", TopicNames.DEFAULT_EVENTS),
            Map.entry("--dlq-topic", TopicNames.DEFAULT_EVENTS_DLQ),
            Map.entry("--profiles-topic", TopicNames.DEFAULT_USER_PROFILES),
            Map.entry("--user-features-topic", TopicNames.DEFAULT_USER_FEATURES),
            Map.entry("--user-vectors-topic", TopicNames.DEFAULT_USER_VECTORS),
            Map.entry("--model-updates-topic", TopicNames.DEFAULT_MODEL_UPDATES),
            Map.entry("--model", StreamrecJobConfig.DEFAULT_MODEL),
            Map.entry("--vectors", String.valueOf(StreamrecJobConfig.DEFAULT_ENCODE_USER_VECTORS)),
            Map.entry("--delta-interval", format(TrainerOperatorConfig.DEFAULT_DELTA_INTERVAL)),
            Map.entry("--read-profiles", String.valueOf(StreamrecJobConfig.DEFAULT_READ_PROFILES)),
            Map.entry("--publish-user-features", String.valueOf(StreamrecJobConfig.DEFAULT_PUBLISH_USER_FEATURES)),
            Map.entry("--consumer-group", StreamrecJobConfig.DEFAULT_CONSUMER_GROUP),
            Map.entry("--starting-offsets", lower(StreamrecJobConfig.DEFAULT_STARTING_OFFSETS)),
            Map.entry("--delivery-guarantee", StreamrecJobConfig.DEFAULT_DELIVERY_GUARANTEE.toString()),
            Map.entry("--parallelism", String.valueOf(StreamrecJobConfig.DEFAULT_PARALLELISM)),
            Map.entry("--checkpoint-interval", format(StreamrecJobConfig.DEFAULT_CHECKPOINT_INTERVAL)),
            Map.entry("--incremental-checkpoints", String.valueOf(StreamrecJobConfig.DEFAULT_INCREMENTAL_CHECKPOINTS)),
            Map.entry("--max-out-of-orderness", format(StreamrecJobConfig.DEFAULT_MAX_OUT_OF_ORDERNESS)),
            Map.entry("--max-future-skew", format(ValidationLimits.defaults().maxFutureSkew())),
            Map.entry("--apply-order", StreamrecJobConfig.DEFAULT_APPLY_ORDER.optionValue()),
            Map.entry("--restart-attempts", String.valueOf(StreamrecJobConfig.DEFAULT_RESTART_ATTEMPTS)),
            Map.entry("--restart-initial-backoff", format(StreamrecJobConfig.DEFAULT_RESTART_INITIAL_BACKOFF)),
            Map.entry("--restart-max-backoff", format(StreamrecJobConfig.DEFAULT_RESTART_MAX_BACKOFF)),
            Map.entry("--source-idleness", format(StreamrecJobConfig.DEFAULT_SOURCE_IDLENESS)),
            Map.entry("--watermark-interval", format(StreamrecJobConfig.DEFAULT_WATERMARK_INTERVAL)),
            Map.entry("--buffer-timeout", format(StreamrecJobConfig.DEFAULT_BUFFER_TIMEOUT)),
            Map.entry("--managed-memory", size(StreamrecJobConfig.DEFAULT_MANAGED_MEMORY)),
            Map.entry("--rocksdb-write-buffer", size(StreamrecJobConfig.DEFAULT_ROCKSDB_WRITE_BUFFER_SIZE)),
            Map.entry("--rocksdb-bloom-filter", String.valueOf(StreamrecJobConfig.DEFAULT_ROCKSDB_BLOOM_FILTER)),
            Map.entry("--state-compression", StreamrecJobConfig.DEFAULT_STATE_COMPRESSION.name()),
            Map.entry("--format", lower(StreamrecJobConfig.DEFAULT_EVENT_FORMAT)),
            Map.entry("--session-gap", format(HistoryPolicy.DEFAULT_SESSION_GAP)),
            Map.entry("--max-session-items", String.valueOf(HistoryPolicy.DEFAULT_MAX_SESSION_ITEMS)),
            Map.entry("--long-term-retention", format(HistoryPolicy.DEFAULT_LONG_TERM_RETENTION)),
            Map.entry("--max-long-term-per-feature", String.valueOf(HistoryPolicy.DEFAULT_MAX_LONG_TERM_PER_FEATURE)));

    @Override
    public String defaultValue(ArgSpec argSpec) {
        return argSpec instanceof OptionSpec option ? DEFAULTS.get(option.longestName()) : null;
    }

    /** As {@link MemorySizeConverter} reads it back: {@code 1gb}, {@code 256mb}. */
    private static String size(MemorySize size) {
        return size.toString().replace(" ", "");
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
