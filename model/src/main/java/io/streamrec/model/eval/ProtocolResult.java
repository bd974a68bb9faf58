package io.streamrec.model.eval;

import java.time.Duration;
import java.util.Map;

/**
 * One model's figures under one protocol.
 *
 * @param evaluated how many ranked lists the metrics average over
 * @param training  time spent training or learning (not ranking)
 * @param total     wall time of the whole protocol run
 */
public record ProtocolResult(
        String model,
        String protocol,
        Map<Metric.At, Double> metrics,
        long evaluated,
        Duration training,
        Duration total) {

    public double get(Metric.At metric) {
        Double v = metrics.get(metric);
        if (v == null) {
            throw new IllegalArgumentException(metric + " was not measured; measured " + metrics.keySet());
        }
        return v;
    }
}
