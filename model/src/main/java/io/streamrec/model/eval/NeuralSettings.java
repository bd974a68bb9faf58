package io.streamrec.model.eval;

import io.streamrec.model.Feature;
import io.streamrec.model.train.TrainerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The training budget shared by every neural model in one evaluation, so none gets an advantage
 * the others lack: epochs, trainer settings ({@link TrainerConfig#fromMap} keys) and encoder settings
 * (namespaced keys such as {@code sine.interests}; each encoder reads its own).
 *
 * @param recentExamplesPerUser offline training uses only each user's most recent N examples (0: all);
 *                              bounds the cost on busy machines while keeping the examples nearest each
 *                              user's held-out event
 * @param learnFraction         online, the share of prequential batches the model trains on (1: all); the
 *                              streaming trainer's policy when it falls behind: every batch is still scored
 */
public record NeuralSettings(
        int epochs,
        Map<String, String> trainer,
        Map<String, String> encoder,
        int recentExamplesPerUser,
        double learnFraction) {

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
        trainer = Map.copyOf(trainer);
        encoder = Map.copyOf(encoder);
        TrainerConfig.fromMap(trainer);
    }

    public static NeuralSettings defaults() {
        return new NeuralSettings(1, Map.of(), Map.of(), 0, 1.0);
    }

    /**
     * The trainer configuration; unless set explicitly, vocabulary capacities fit the data's
     * distinct ids per feature (so nothing is evicted offline and no memory is wasted).
     */
    public TrainerConfig trainerConfig(EvaluationData data) {
        Map<String, String> settings = new LinkedHashMap<>(trainer);
        settings.computeIfAbsent("vocabularyCapacities", key -> capacities(data));
        return TrainerConfig.fromMap(settings);
    }

    private static String capacities(EvaluationData data) {
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
        return ids.stream().map(s -> Integer.toString(s.size() + 16)).collect(Collectors.joining(","));
    }

    /** Settings given as {@code key=value} pairs, split between trainer and encoder by the encoder's namespaces. */
    public static NeuralSettings of(int epochs, Map<String, String> settings) {
        Map<String, String> trainer = new HashMap<>();
        Map<String, String> encoder = new HashMap<>();
        settings.forEach((k, v) -> (k.contains(".") ? encoder : trainer).put(k, v));
        return new NeuralSettings(epochs, trainer, encoder, 0, 1.0);
    }

    public NeuralSettings withBudget(int recentPerUser, double fraction) {
        return new NeuralSettings(epochs, trainer, encoder, recentPerUser, fraction);
    }
}
