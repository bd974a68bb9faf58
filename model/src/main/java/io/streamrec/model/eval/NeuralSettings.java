package io.streamrec.model.eval;

import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.model.Feature;
import io.streamrec.model.ModelSettings;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.online.OnlineLearner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The training budget shared by every neural model in one evaluation, so none gets an advantage the others lack:
 * epochs, and the model settings ({@link ModelSettings}: trainer keys such as {@code batch-size} and encoder keys
 * such as {@code sine.interests}; each encoder reads its own).
 *
 * @param recentExamplesPerUser offline training uses only each user's most recent N examples (0: all);
 *                              bounds the cost on busy machines while keeping the examples nearest each
 *                              user's held-out event
 * @param learnFraction         online, the share of prequential batches the model trains on (1: all); the
 *                              streaming trainer's policy when it falls behind: every batch is still scored
 */
public record NeuralSettings(
        int epochs, Settings settings, Settings learner, int recentExamplesPerUser, double learnFraction) {

    public NeuralSettings {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (recentExamplesPerUser < 0) {
            throw new IllegalArgumentException(
                    "recent examples per user must be >= 0 (0 = all), got " + recentExamplesPerUser);
        }
        if (!(learnFraction > 0 && learnFraction <= 1)) {
            throw new IllegalArgumentException(
                    "the learned fraction of prequential batches must be in (0, 1], got " + learnFraction);
        }
        ModelSettings.TABLE.check(settings);
        OnlineLearner.Policy.OPTIONS.check(learner);
    }

    public static NeuralSettings defaults() {
        return new NeuralSettings(1, Settings.empty(), Settings.empty(), 0, 1.0);
    }

    /**
     * The trainer configuration; unless set explicitly, vocabulary capacities fit the data's
     * distinct ids per feature (so nothing is evicted offline and no memory is wasted).
     */
    public TrainerConfig trainerConfig(EvaluationData data) {
        TrainerConfig.Builder config = TrainerConfig.builder().setAll(settings);
        if (!settings.isSet(TrainerOptions.VOCABULARY_CAPACITIES)) {
            config.set(TrainerOptions.VOCABULARY_CAPACITIES, capacities(data));
        }
        return config.build();
    }

    private static List<Integer> capacities(EvaluationData data) {
        List<Set<String>> ids = new ArrayList<>();
        for (int f = 0; f < Feature.COUNT; f++) {
            ids.add(new HashSet<>());
        }
        data.examples().forEach(e -> {
            for (Feature f : Feature.values()) {
                String id = f.idOf(e.getTarget());
                if (id != null) {
                    ids.get(f.ordinal()).add(id);
                }
            }
        });
        // +1 for the padding row, + headroom so a capacity is never 0-sized
        return ids.stream().map(s -> s.size() + 16).toList();
    }

    /**
     * Settings given as {@code key=value} text: trainer and encoder keys alike, and the online learner's
     * ({@link OnlineLearner.Policy#OPTIONS}, used by the stream protocol).
     *
     * @throws io.streamrec.config.InvalidConfigException listing every unknown key and bad value
     */
    public static NeuralSettings of(int epochs, Map<String, String> settings) {
        Map<String, String> model = new LinkedHashMap<>();
        Map<String, String> learner = new LinkedHashMap<>();
        settings.forEach(
                (key, value) -> (OnlineLearner.Policy.OPTIONS.find(key).isPresent() ? learner : model).put(key, value));
        return new NeuralSettings(
                epochs,
                ModelSettings.TABLE.parse(model, OptionTable.Naming.KEYS),
                OnlineLearner.Policy.OPTIONS.parse(learner, OptionTable.Naming.KEYS),
                0,
                1.0);
    }

    public NeuralSettings withBudget(int recentPerUser, double fraction) {
        return new NeuralSettings(epochs, settings, learner, recentPerUser, fraction);
    }

    /** The same settings with one trainer option set (such as {@link TrainerOptions#EXCLUDE_SEEN}). */
    public <T> NeuralSettings with(Option<T> option, T value) {
        return new NeuralSettings(
                epochs, settings.toBuilder().set(option, value).build(), learner, recentExamplesPerUser, learnFraction);
    }

    /** The online learner's policy for a trainer with {@code batchSize}. */
    public OnlineLearner.Policy policy(int batchSize) {
        return OnlineLearner.Policy.of(learner, batchSize);
    }
}
