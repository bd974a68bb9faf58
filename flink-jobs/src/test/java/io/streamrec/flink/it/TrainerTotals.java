package io.streamrec.flink.it;

import io.streamrec.embedded.LiveMetrics;
import io.streamrec.flink.train.TrainerOperator;

/**
 * One reading of the trainer's running totals (gauges since its first start). The difference of two readings
 * gives the prequential hit rates over the stretch of the stream between them, e.g. its second half; the rolling
 * training loss is as of the reading.
 */
record TrainerTotals(long seen, long scored, long hits50, long popularityHits50, double loss) {

    static TrainerTotals read(LiveMetrics metrics) {
        // scored first: the hits of a scored example are counted with it, so hits never run ahead of scored
        long scored = metrics.sum(TrainerOperator.METRIC_GROUP, "examplesScored");
        return new TrainerTotals(
                metrics.sum(TrainerOperator.METRIC_GROUP, "examplesSeen"),
                scored,
                metrics.sum(TrainerOperator.METRIC_GROUP, "prequentialHits50"),
                metrics.sum(TrainerOperator.METRIC_GROUP, "popularityHits50"),
                metrics.value(TrainerOperator.METRIC_GROUP, "loss"));
    }

    /** The examples scored after {@code earlier} and before this reading. */
    long scoredSince(TrainerTotals earlier) {
        return scored - earlier.scored;
    }

    /** The model's HR@50 over the examples scored after {@code earlier}. */
    double hr50Since(TrainerTotals earlier) {
        return (double) (hits50 - earlier.hits50) / scoredSince(earlier);
    }

    /** Popularity's HR@50 on the same examples. */
    double popularityHr50Since(TrainerTotals earlier) {
        return (double) (popularityHits50 - earlier.popularityHits50) / scoredSince(earlier);
    }
}
