package io.streamrec.flink.train;

import io.streamrec.config.Check;
import io.streamrec.config.InvalidConfigException;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Settings of the {@link TrainerOperator}: the model ({@link ModelSettings}: the encoder's name, the trainer's and the
 * encoder's settings; {@code batch-size} is the training batch) and how the operator runs it ({@link #OPTIONS}). A
 * built config is valid: {@link #from} and {@link Builder#build()} check every option and report every problem at
 * once, so a misconfigured job fails when it is built, not hours into a run.
 *
 * <p>Serializable: it travels inside the job graph.
 */
public final class TrainerOperatorConfig implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The queue holds this many batches when no capacity is given. */
    static final int QUEUED_BATCHES = 4;
    /** The mixing buffer holds this many batches when no capacity is given (4096 examples at batch 256). */
    static final int MIXED_BATCHES = 16;

    public static final Option<Duration> DELTA_INTERVAL = Option.key("delta-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("T, the longest time between two model deltas; the trainer asks one training round"
                    + " early, so deltas come slightly more often.")
            .withCheck(Check.positiveDuration());

    public static final Option<Duration> FULL_UPDATE_INTERVAL = Option.key("full-update-interval")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("N, how often a FULL model update is published besides the one at every start.")
            .withCheck(Check.positiveDuration());

    public static final Option<Duration> LOG_INTERVAL = Option.key("trainer-log-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("How often the trainer logs its figures at INFO.")
            .withCheck(Check.positiveDuration());

    public static final Option<Integer> MAX_MESSAGE_BYTES = Option.key("model-update-max-bytes")
            .intType()
            .defaultValue(ModelUpdates.DEFAULT_MAX_MESSAGE_BYTES)
            .withDescription("Largest model-update chunk; the job creates model-updates with max.message.bytes this"
                    + " plus 64 KiB.")
            .withCheck(Check.atLeast(16 * 1024));

    public static final Option<Integer> QUEUE_CAPACITY = Option.key("trainer-queue-capacity")
            .intType()
            .noDefaultValue()
            .withDefaultText(QUEUED_BATCHES + " batches")
            .withDescription("Examples waiting for the training thread; a trainer that falls behind samples the"
                    + " arriving examples rather than hold back the vectors.");

    public static final Option<Integer> MIXING_CAPACITY = Option.key("trainer-mixing-capacity")
            .intType()
            .noDefaultValue()
            .withDefaultText(MIXED_BATCHES + " batches")
            .withDescription("Scored examples each training batch is drawn from at random: time-ordered events come"
                    + " in per-user bursts, and mixing gives each batch many users. The batch size trains each"
                    + " scored batch as it arrives.");

    public static final Option<Integer> METRIC_WINDOW = Option.key("metric-window")
            .intType()
            .defaultValue(10_000)
            .withDescription("Examples over which the prequential metrics are averaged.")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> POPULARITY_WINDOW = Option.key("popularity-window")
            .intType()
            .defaultValue(10_000)
            .withDescription("Most recent targets the popularity baseline counts.")
            .withCheck(Check.atLeast(1));

    public static final Option<Long> SAMPLING_SEED = Option.key("trainer-sampling-seed")
            .longType()
            .defaultValue(1L)
            .withDescription("Seed of the sampling when the trainer's queue is full, and of the mixing.");

    public static final OptionTable OPTIONS = OptionTable.builder("trainer options")
            .section(
                    "Training",
                    DELTA_INTERVAL,
                    FULL_UPDATE_INTERVAL,
                    MAX_MESSAGE_BYTES,
                    QUEUE_CAPACITY,
                    MIXING_CAPACITY,
                    METRIC_WINDOW,
                    POPULARITY_WINDOW,
                    LOG_INTERVAL,
                    SAMPLING_SEED)
            .crossCheck(TrainerOperatorConfig::checkTogether)
            .build();

    private final Settings settings;
    private final TrainerConfig trainer;
    private final Settings modelSettings;

    private TrainerOperatorConfig(Settings settings) {
        this.settings = settings;
        this.modelSettings = ModelSettings.of(settings);
        this.trainer = TrainerConfig.builder().setAll(modelSettings).build();
    }

    private static void checkTogether(Settings settings, OptionTable.Problems problems) {
        if (settings.get(FULL_UPDATE_INTERVAL).compareTo(settings.get(DELTA_INTERVAL)) < 0) {
            problems.add(problems.name(FULL_UPDATE_INTERVAL) + " is shorter than " + problems.name(DELTA_INTERVAL)
                    + ": raise it, or lower the delta interval");
        }
        int batch;
        try {
            batch = ModelSettings.of(settings).get(TrainerOptions.BATCH_SIZE);
        } catch (IllegalArgumentException reportedByTheModelOptions) {
            return;
        }
        for (Option<Integer> capacity : List.of(QUEUE_CAPACITY, MIXING_CAPACITY)) {
            Integer value = settings.get(capacity);
            if (value != null && value < batch) {
                problems.add(problems.name(capacity) + " is " + value + ": it must hold at least one batch of " + batch
                        + "; raise it or leave it unset");
            }
        }
    }

    /**
     * The trainer configuration in {@code settings}: the values of {@link #OPTIONS} and of
     * {@link ModelSettings#OPTIONS} (other values are ignored).
     *
     * @throws InvalidConfigException listing every problem
     */
    public static TrainerOperatorConfig from(Settings settings) {
        List<String> problems = new ArrayList<>(OPTIONS.problems(settings, OptionTable.Naming.KEYS));
        problems.addAll(ModelSettings.OPTIONS.problems(settings, OptionTable.Naming.KEYS));
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(OPTIONS.title(), problems);
        }
        return new TrainerOperatorConfig(settings);
    }

    public static TrainerOperatorConfig defaults() {
        return from(Settings.empty());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The value of one of {@link #OPTIONS} or {@link ModelSettings#OPTIONS}. */
    public <T> T get(Option<T> option) {
        return settings.get(option);
    }

    /** The model kind: a name registered in {@link Encoders} (sdm, sine, meanpool). */
    public String encoder() {
        return settings.get(ModelSettings.MODEL);
    }

    /** Builds the configured encoder for given dimensions (its settings were checked when this was built). */
    public Function<EncoderDimensions, UserEncoder> encoderFactory() {
        return Encoders.factory(encoder(), modelSettings);
    }

    public TrainerConfig trainerConfig() {
        return trainer;
    }

    public int batchSize() {
        return trainer.get(TrainerOptions.BATCH_SIZE);
    }

    /** Examples waiting for the training thread before sampling starts. */
    public int queueCapacity() {
        Integer capacity = settings.get(QUEUE_CAPACITY);
        return capacity != null ? capacity : QUEUED_BATCHES * batchSize();
    }

    /** Scored examples a training batch is drawn from (see {@link MixingBuffer}); one batch means no mixing. */
    public int mixingCapacity() {
        Integer capacity = settings.get(MIXING_CAPACITY);
        return capacity != null ? capacity : MIXED_BATCHES * batchSize();
    }

    @Override
    public String toString() {
        return "TrainerOperatorConfig" + settings;
    }

    /** Sets options; unset ones keep their defaults. */
    public static final class Builder {
        private final Settings.Builder settings = Settings.builder();
        private final Map<String, String> modelSettings = new LinkedHashMap<>();

        private Builder() {}

        public <T> Builder set(Option<T> option, T value) {
            settings.set(option, value);
            return this;
        }

        /** {@link ModelSettings#MODEL}. */
        public Builder model(String name) {
            return set(ModelSettings.MODEL, name);
        }

        /** Entries of {@link ModelSettings#SETTINGS}, such as {@code batch-size=64} or {@code meanpool.hidden=32}. */
        public Builder modelSettings(Map<String, String> entries) {
            modelSettings.putAll(entries);
            return this;
        }

        /** Every setting of {@code trainer}, as entries of {@link ModelSettings#SETTINGS}. */
        public Builder trainer(TrainerConfig trainer) {
            return modelSettings(trainer.settings().toStrings());
        }

        /** @throws InvalidConfigException listing every problem */
        public TrainerOperatorConfig build() {
            settings.set(ModelSettings.SETTINGS, modelSettings);
            return from(settings.build());
        }
    }
}
