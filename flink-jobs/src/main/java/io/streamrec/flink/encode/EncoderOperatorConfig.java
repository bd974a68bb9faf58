package io.streamrec.flink.encode;

import io.streamrec.config.Check;
import io.streamrec.config.InvalidConfigException;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.encode.Encoders;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the {@link UserVectorEncoderOperator} encodes: the model it follows ({@link ModelSettings#MODEL}, which the
 * trainer reads too) and how it micro-batches ({@link #OPTIONS}). A built config is valid: {@link #from} and
 * {@link Builder#build()} check every option and report every problem at once. The encoder's own settings are not
 * here: every FULL update on {@code model-updates} carries the complete model spec, and the encoder rebuilds the
 * model from it.
 */
public final class EncoderOperatorConfig implements Serializable {
    private static final long serialVersionUID = 2L;

    public static final Option<Integer> MAX_BATCH_RECORDS = Option.key("encoder-max-batch")
            .intType()
            .defaultValue(256)
            .withDescription("Feature snapshots an encoder subtask encodes at once: inference per user is about ten"
                    + " times cheaper at 256 than at 1 (1 encodes every snapshot alone).")
            .withCheck(Check.atLeast(1));

    public static final Option<Duration> MAX_BATCH_DELAY = Option.key("encoder-max-batch-delay")
            .durationType()
            .defaultValue(Duration.ofMillis(20))
            .withDescription("The longest a feature snapshot waits for its batch: the deadline the latency budget sets"
                    + " from the arrival rate never exceeds it.")
            .withCheck(Check.positiveDuration());

    public static final Option<Duration> LATENCY_BUDGET = Option.key("encoder-latency-budget")
            .durationType()
            .defaultValue(Duration.ofMillis(25))
            .withDescription("The most a feature snapshot should spend in the encoder, waiting for its batch plus being"
                    + " encoded: the batch deadline follows the arrival rate and the measured encoding cost to stay"
                    + " within it; 0 encodes every snapshot on arrival.")
            .withCheck(Check.notNegative());

    public static final Option<Integer> MAX_PENDING_SNAPSHOTS = Option.key("encoder-max-pending")
            .intType()
            .defaultValue(100_000)
            .withDescription("Feature snapshots an encoder subtask keeps while it has no model yet (cold start, or"
                    + " after a restore until the trainer's FULL update arrives); beyond it only each user's latest"
                    + " is kept (about 1-2 KB each).");

    public static final Option<Integer> MAX_RECENT_ITEMS = Option.key("vector-recent-items")
            .intType()
            .defaultValue(100)
            .withDescription("Item ids a user vector carries as the user's recent items (newest first, no repeats),"
                    + " which a server may leave out of the recommendations; 0 sends none.")
            .withCheck(Check.atLeast(0));

    public static final Option<Integer> LONG_TERM_CACHE_USERS = Option.key("encoder-long-term-cache")
            .intType()
            .defaultValue(50_000)
            .withDescription("Users whose long-term branch (SDM's e_u and p^u) each encoder subtask keeps, so that an"
                    + " event that leaves the long-term history unchanged encodes only its session (about 600 bytes"
                    + " each at D=64); 0 turns the cache off.")
            .withCheck(Check.atLeast(0));

    public static final OptionTable OPTIONS = OptionTable.builder("encoder options")
            .section(
                    "Encoders",
                    MAX_BATCH_RECORDS,
                    MAX_BATCH_DELAY,
                    LATENCY_BUDGET,
                    MAX_PENDING_SNAPSHOTS,
                    MAX_RECENT_ITEMS,
                    LONG_TERM_CACHE_USERS)
            .crossCheck((settings, problems) -> {
                if (settings.get(MAX_PENDING_SNAPSHOTS) < settings.get(MAX_BATCH_RECORDS)) {
                    problems.add(problems.name(MAX_PENDING_SNAPSHOTS) + " is " + settings.get(MAX_PENDING_SNAPSHOTS)
                            + ": set it to at least " + problems.name(MAX_BATCH_RECORDS) + " ("
                            + settings.get(MAX_BATCH_RECORDS) + ")");
                }
            })
            .build();

    private final Settings settings;

    private EncoderOperatorConfig(Settings settings) {
        this.settings = settings;
    }

    /**
     * The encoder configuration in {@code settings}: the values of {@link #OPTIONS} and the model's name (other
     * values are ignored).
     *
     * @throws InvalidConfigException listing every problem
     */
    public static EncoderOperatorConfig from(Settings settings) {
        List<String> problems = new ArrayList<>(OPTIONS.problems(settings, OptionTable.Naming.KEYS));
        String advice = ModelSettings.MODEL.advice(settings.get(ModelSettings.MODEL));
        if (advice != null) {
            problems.add(ModelSettings.MODEL.key() + " is " + settings.get(ModelSettings.MODEL) + ": " + advice);
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(OPTIONS.title(), problems);
        }
        return new EncoderOperatorConfig(settings);
    }

    public static EncoderOperatorConfig defaults() {
        return from(Settings.empty());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The value of one of {@link #OPTIONS}. */
    public <T> T get(Option<T> option) {
        return settings.get(option);
    }

    /** The encoder to run, as {@link Encoders#names()} and {@code ModelUpdate.modelName} spell it. */
    public String encoderName() {
        return settings.get(ModelSettings.MODEL);
    }

    @Override
    public String toString() {
        return "EncoderOperatorConfig" + settings;
    }

    /** Sets options; unset ones keep their defaults. */
    public static final class Builder {
        private final Settings.Builder settings = Settings.builder();

        private Builder() {}

        public <T> Builder set(Option<T> option, T value) {
            settings.set(option, value);
            return this;
        }

        /** {@link ModelSettings#MODEL}. */
        public Builder model(String name) {
            return set(ModelSettings.MODEL, name);
        }

        /** @throws InvalidConfigException listing every problem */
        public EncoderOperatorConfig build() {
            return from(settings.build());
        }
    }
}
