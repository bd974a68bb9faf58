package io.streamrec.launcher.runtime;

import java.util.Locale;

/**
 * The model loop's figures at one instant: the encoders' output, the trainer's gauges (group {@code trainer} of
 * {@code io.streamrec.flink.train.TrainerOperator}) and the event-to-vector latency seen from Kafka. A figure not
 * measured yet (no vector read, no example scored) is NaN.
 *
 * @param vectors user vectors the encoders emitted
 * @param examplesTrained training examples the trainer trained on
 * @param fractionTrained examples trained over examples seen (below 1 when the trainer samples under load)
 * @param loss the trainer's recent mean loss
 * @param prequentialHr50 recent HR@50 of the model on examples it had not yet trained on
 * @param popularityHr50 recent HR@50 of the most popular recent items on the same examples
 * @param modelVersion the trainer's latest published version
 * @param latencyP50Ms median time from an event's send to its vector being readable on {@code user-vectors}
 * @param latencyP99Ms 99th percentile of the same
 * @param trainer the trainer's further figures (ItemCF, the second half, replay, phase times)
 */
public record ModelProgress(
        long vectors,
        long examplesTrained,
        double fractionTrained,
        double loss,
        double prequentialHr50,
        double popularityHr50,
        long modelVersion,
        double latencyP50Ms,
        double latencyP99Ms,
        TrainerFigures trainer) {

    /** Figures without the trainer's further ones. */
    public ModelProgress(
            long vectors,
            long examplesTrained,
            double fractionTrained,
            double loss,
            double prequentialHr50,
            double popularityHr50,
            long modelVersion,
            double latencyP50Ms,
            double latencyP99Ms) {
        this(
                vectors,
                examplesTrained,
                fractionTrained,
                loss,
                prequentialHr50,
                popularityHr50,
                modelVersion,
                latencyP50Ms,
                latencyP99Ms,
                TrainerFigures.NONE);
    }

    /** A job without the model loop. */
    public static final ModelProgress NONE =
            new ModelProgress(0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN);

    /** One human-readable progress fragment, rates over {@code seconds} since {@code earlier}. */
    String format(ModelProgress earlier, double seconds) {
        return String.format(
                Locale.ROOT,
                "vectors %,d (%,.0f/s) | trained %,d (%,.0f/s, %s) | loss %s | HR@50 %s vs popularity %s, ItemCF %s"
                        + " | model v%d"
                        + " | latency p50 %s p99 %s",
                vectors,
                rate(vectors - earlier.vectors, seconds),
                examplesTrained,
                rate(examplesTrained - earlier.examplesTrained, seconds),
                percent(fractionTrained),
                figure(loss, "%.3f"),
                figure(prequentialHr50, "%.3f"),
                figure(popularityHr50, "%.3f"),
                figure(trainer.itemCfHr50(), "%.3f"),
                modelVersion,
                figure(latencyP50Ms, "%,.0f ms"),
                figure(latencyP99Ms, "%,.0f ms"));
    }

    /** Never negative: a figure restored from a checkpoint after a restart may step back a little. */
    private static double rate(long delta, double seconds) {
        return seconds > 0 ? Math.max(0, delta) / seconds : 0;
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }

    private static String figure(double value, String format) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }
}
