package io.streamrec.launcher.runtime;

import static io.streamrec.launcher.runtime.RunSummary.measured;
import static io.streamrec.launcher.runtime.RunSummary.perSecond;
import static io.streamrec.launcher.runtime.RunSummary.round;

import java.util.Locale;
import java.util.Map;

/**
 * A run's figures after its warm-up ({@code streamrec run --warmup}): what a throughput benchmark reports. The
 * warm-up (deployment, the first model reaching the encoders, JIT) is left out of every figure here; rates are over
 * the window from the end of the warm-up to the end of the run.
 *
 * @param warmupSec seconds after job submission that were not measured
 * @param windowSec seconds measured
 * @param producedPerSec events the replay had acknowledged by Kafka per second: the offered load
 * @param eventsPerSec events the job consumed (applied or dead-lettered) per second
 * @param vectorsPerSec user vectors the encoders emitted per second
 * @param examplesPerSec training examples the trainer trained on per second
 * @param lagAtEnd events produced but not yet consumed at the end of the window
 * @param maxLag the most events produced but not yet consumed, sampled every second of the window: bounded when the
 *     job keeps up with the offered load, growing with time when it does not
 * @param latencyP50Ms median event-to-vector latency of the events sent in the window (send to readable)
 * @param latencyP99Ms its 99th percentile
 * @param deltas model deltas published in the window
 * @param deltaIntervalMeanSec mean time between consecutive deltas (their Kafka timestamps); null below two deltas
 * @param deltaIntervalMaxSec the longest such time
 * @param fractionTrained examples trained over examples that reached the trainer, in the window; null without any
 * @param trainerMsPerSec milliseconds per second the training thread spent in each phase in the window (score,
 *     forwardBackward, optimiser, publish, checkpoint, rounds); empty without the model loop
 */
public record SteadyState(
        double warmupSec,
        double windowSec,
        double producedPerSec,
        double eventsPerSec,
        double vectorsPerSec,
        double examplesPerSec,
        long lagAtEnd,
        long maxLag,
        Double latencyP50Ms,
        Double latencyP99Ms,
        long deltas,
        Double deltaIntervalMeanSec,
        Double deltaIntervalMaxSec,
        Double fractionTrained,
        Map<String, Double> trainerMsPerSec) {

    public SteadyState {
        trainerMsPerSec = trainerMsPerSec == null ? Map.of() : Map.copyOf(trainerMsPerSec);
    }

    /** The figures between the reading at the end of the warm-up and the last one. */
    static SteadyState between(
            JobProgress warm,
            JobProgress last,
            double warmupSec,
            long maxLag,
            ModelUpdatesWatch.DeltaIntervals deltas) {
        double seconds = (last.atNanos() - warm.atNanos()) / 1e9;
        ModelProgress model = last.model();
        ModelProgress warmModel = warm.model();
        return new SteadyState(
                round(warmupSec, 10),
                round(seconds, 10),
                perSecond(last.eventsProduced() - warm.eventsProduced(), seconds),
                perSecond(last.events() - warm.events(), seconds),
                perSecond(model.vectors() - warmModel.vectors(), seconds),
                perSecond(model.examplesTrained() - warmModel.examplesTrained(), seconds),
                lag(last),
                Math.max(maxLag, lag(last)),
                measured(model.latencyP50Ms(), 1),
                measured(model.latencyP99Ms(), 1),
                deltas.deltas(),
                measured(deltas.meanSec(), 100),
                measured(deltas.maxSec(), 100),
                fraction(
                        model.examplesTrained() - warmModel.examplesTrained(),
                        model.trainer().examplesSeen() - warmModel.trainer().examplesSeen()),
                model.trainer().phaseMsPerSecondSince(warmModel.trainer(), seconds));
    }

    private static Double fraction(long trained, long seen) {
        return seen > 0 ? round((double) trained / seen, 1000) : null;
    }

    /** One line for the console. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "offered %,.0f ev/s, consumed %,.0f ev/s, lag max %,d end %,d | vectors %,.0f/s | trained %,.0f ex/s (%s)"
                        + " | latency p50 %s p99 %s | %d deltas, interval mean %s max %s",
                producedPerSec,
                eventsPerSec,
                maxLag,
                lagAtEnd,
                vectorsPerSec,
                examplesPerSec,
                fractionTrained == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * fractionTrained),
                latencyP50Ms == null ? "-" : String.format(Locale.ROOT, "%,.0f ms", latencyP50Ms),
                latencyP99Ms == null ? "-" : String.format(Locale.ROOT, "%,.0f ms", latencyP99Ms),
                deltas,
                deltaIntervalMeanSec == null ? "-" : deltaIntervalMeanSec + " s",
                deltaIntervalMaxSec == null ? "-" : deltaIntervalMaxSec + " s");
    }

    /** Events produced (acknowledged) but not yet consumed by the job at a reading. */
    static long lag(JobProgress reading) {
        return Math.max(0, reading.eventsProduced() - reading.events());
    }
}
