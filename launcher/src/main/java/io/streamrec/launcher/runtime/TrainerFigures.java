package io.streamrec.launcher.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer's figures beyond the headline ones of {@link ModelProgress}, read from its gauges: ItemCF's rolling
 * HR@50 beside the model's, the prequential figures over the second half of every example scored so far (what a run
 * reports), examples replayed, and the milliseconds the training thread spent in each phase since start.
 *
 * @param itemCfHr50 rolling HR@50 of online ItemCF on the examples the model was scored on
 * @param secondHalfExamples examples scored in the second half of everything scored so far
 * @param secondHalfHr10 the model's HR@10 over them
 * @param secondHalfHr50 the model's HR@50 over them
 * @param secondHalfPopularityHr50 recent popularity's HR@50 over the same examples
 * @param secondHalfItemCfHr50 online ItemCF's HR@50 over the same examples
 * @param examplesSeen examples that reached the trainer (trained, queued or sampled away)
 * @param examplesReplayed examples trained again because the trainer had room
 * @param phaseMs milliseconds per phase of the training thread (score, forwardBackward, optimiser, publish,
 *     checkpoint, and rounds, their whole)
 */
public record TrainerFigures(
        double itemCfHr50,
        long secondHalfExamples,
        double secondHalfHr10,
        double secondHalfHr50,
        double secondHalfPopularityHr50,
        double secondHalfItemCfHr50,
        long examplesSeen,
        long examplesReplayed,
        Map<String, Long> phaseMs) {

    /** The phases in the order they are reported, by gauge name without the {@code Ms} suffix. */
    public static final String[] PHASES = {"score", "forwardBackward", "optimiser", "publish", "checkpoint", "rounds"};

    public static final TrainerFigures NONE =
            new TrainerFigures(Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, Map.of());

    public TrainerFigures {
        phaseMs = Map.copyOf(phaseMs);
    }

    /** Milliseconds per second of each phase between {@code earlier} and this reading, {@code seconds} apart. */
    Map<String, Double> phaseMsPerSecondSince(TrainerFigures earlier, double seconds) {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String phase : PHASES) {
            Long now = phaseMs.get(phase);
            if (now != null && seconds > 0) {
                long before = earlier.phaseMs.getOrDefault(phase, 0L);
                rates.put(phase, Math.round((now - before) / seconds * 10) / 10.0);
            }
        }
        return rates;
    }
}
