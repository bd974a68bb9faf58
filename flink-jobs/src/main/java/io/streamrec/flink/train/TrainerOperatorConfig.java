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
import io.streamrec.model.eval.PrequentialEvaluator;
import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.online.OnlineLearner;
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

    public static final Option<Duration> DELTA_INTERVAL = Option.key("delta-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
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

    public static final Option<Integer> METRIC_WINDOW = Option.key("metric-window")
            .intType()
            .defaultValue(PrequentialEvaluator.Settings.DEFAULT_WINDOW)
            .withDescription("Examples over which the prequential metrics are averaged.")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> POPULARITY_WINDOW = Option.key("popularity-window")
            .intType()
            .defaultValue(PrequentialEvaluator.Settings.DEFAULT_POPULARITY_WINDOW)
            .withDescription("Most recent targets the popularity baseline counts.")
            .withCheck(Check.atLeast(1));

    public static final Option<Double> MAX_SCORE_SHARE = Option.key("trainer-max-score-share")
            .doubleType()
            .defaultValue(0.2)
            .withDescription("Most of the training thread's time prequential scoring may take; past it whole rounds"
                    + " go unscored, for the model and both baselines alike (1 scores every round).")
            .withCheck(Check.of(share -> share > 0 && share <= 1, "set it above 0 and at most 1"));

    public static final OptionTable OPTIONS = OptionTable.builder("trainer options")
            .section(
                    "Training",
                    DELTA_INTERVAL,
                    FULL_UPDATE_INTERVAL,
                    MAX_MESSAGE_BYTES,
                    METRIC_WINDOW,
                    POPULARITY_WINDOW,
                    MAX_SCORE_SHARE,
                    LOG_INTERVAL)
            .include(OnlineLearner.Policy.OPTIONS)
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
        Integer queue = settings.get(OnlineLearner.Policy.QUEUE_CAPACITY);
        if (queue != null && queue < batch) {
            problems.add(problems.name(OnlineLearner.Policy.QUEUE_CAPACITY) + " is " + queue
                    + ": it must hold at least one batch of " + batch + "; raise it or leave it unset");
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

    /** How the online learner takes examples: queue, longest batch delay, replay (see {@link OnlineLearner}). */
    public OnlineLearner.Policy learnerPolicy() {
        return OnlineLearner.Policy.of(settings, batchSize());
    }

    /** Examples waiting for the training thread before sampling starts. */
    public int queueCapacity() {
        return learnerPolicy().queueCapacity();
    }

    /** The prequential evaluator's settings; seen items are excluded as the model's configuration says. */
    public PrequentialEvaluator.Settings evaluation() {
        return new PrequentialEvaluator.Settings(
                get(METRIC_WINDOW),
                get(POPULARITY_WINDOW),
                PrequentialEvaluator.Settings.DEFAULT_ITEMCF_ALPHA,
                PrequentialEvaluator.Settings.DEFAULT_ITEMCF_NEIGHBOURS,
                trainer.get(TrainerOptions.EXCLUDE_SEEN));
    }

    /** Most of the training thread's time that prequential scoring may take. */
    public double maxScoreShare() {
        return get(MAX_SCORE_SHARE);
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
