package io.streamrec.flink.runtime;

/**
 * The running job's figures at one instant.
 *
 * @param atNanos {@link System#nanoTime()} when read
 * @param events events consumed by the job (applied to user state + dead-lettered)
 * @param eventsProduced events replayed into the events topic by this process
 * @param dlq records in the dead-letter topic
 * @param users users currently holding state
 * @param sessionsClosed sessions closed so far
 * @param checkpoints completed checkpoints
 * @param model the model loop's figures; {@link ModelProgress#NONE} for an ingestion-only job
 */
public record JobProgress(
        long atNanos,
        long events,
        long eventsProduced,
        long dlq,
        long users,
        long sessionsClosed,
        long checkpoints,
        ModelProgress model) {

    /** The figures of an ingestion-only job. */
    public JobProgress(
            long atNanos,
            long events,
            long eventsProduced,
            long dlq,
            long users,
            long sessionsClosed,
            long checkpoints) {
        this(atNanos, events, eventsProduced, dlq, users, sessionsClosed, checkpoints, ModelProgress.NONE);
    }

    /** Nothing done yet, at {@code atNanos}: the reading before the first. */
    static JobProgress startingAt(long atNanos) {
        return new JobProgress(atNanos, 0, 0, 0, 0, 0, 0);
    }

    /** Events per second consumed between {@code earlier} and this reading. */
    public double eventsPerSecSince(JobProgress earlier) {
        double seconds = (atNanos - earlier.atNanos) / 1e9;
        return seconds > 0 ? (events - earlier.events) / seconds : 0;
    }

    /** One human-readable progress line, rate measured since {@code earlier}. */
    public String formatLine(JobProgress earlier, double elapsedSec) {
        String line = String.format(
                java.util.Locale.ROOT,
                "[%6.1fs] events %,d (%,.0f/s) | produced %,d | users %,d | sessions closed %,d | dlq %,d | checkpoints %d",
                elapsedSec,
                events,
                eventsPerSecSince(earlier),
                eventsProduced,
                users,
                sessionsClosed,
                dlq,
                checkpoints);
        return model == ModelProgress.NONE
                ? line
                : line + " | " + model.format(earlier.model, (atNanos - earlier.atNanos) / 1e9);
    }
}
