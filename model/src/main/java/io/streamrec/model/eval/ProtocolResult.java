package io.streamrec.model.eval;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One model's figures under one protocol.
 *
 * @param evaluated how many ranked lists the metrics average over
 * @param training  time spent training or learning (not ranking)
 * @param total     wall time of the whole protocol run
 * @param curve     the learning curve along the stream, where the protocol draws one (empty otherwise)
 * @param deviations the standard deviation of each metric over seeds, when {@code metrics} are means over seeds
 *                   (empty for a single run)
 */
public record ProtocolResult(
        String model,
        String protocol,
        Map<Metric.At, Double> metrics,
        long evaluated,
        Duration training,
        Duration total,
        List<CurvePoint> curve,
        Map<Metric.At, Double> deviations) {

    public ProtocolResult {
        curve = List.copyOf(curve);
        deviations = Map.copyOf(deviations);
    }

    /** A single run's result with a curve. */
    public ProtocolResult(
            String model,
            String protocol,
            Map<Metric.At, Double> metrics,
            long evaluated,
            Duration training,
            Duration total,
            List<CurvePoint> curve) {
        this(model, protocol, metrics, evaluated, training, total, curve, Map.of());
    }

    /** A result without a curve. */
    public ProtocolResult(
            String model,
            String protocol,
            Map<Metric.At, Double> metrics,
            long evaluated,
            Duration training,
            Duration total) {
        this(model, protocol, metrics, evaluated, training, total, List.of(), Map.of());
    }

    /**
     * One point of a prequential learning curve: after {@code examples} arrivals, the rolling HR@50 of the model and
     * both baselines over the last scored examples, the rolling training loss and the fraction trained so far.
     */
    public record CurvePoint(
            long examples,
            double modelHr50,
            double popularityHr50,
            double itemCfHr50,
            double loss,
            double fractionTrained) {}

    public double get(Metric.At metric) {
        Double v = metrics.get(metric);
        if (v == null) {
            throw new IllegalArgumentException(metric + " was not measured; measured " + metrics.keySet());
        }
        return v;
    }
}
