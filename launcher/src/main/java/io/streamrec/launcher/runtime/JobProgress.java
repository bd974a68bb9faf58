package io.streamrec.launcher.runtime;

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
 * @param job where the job stands (running, restarting, failed)
 */
public record JobProgress(
        long atNanos,
        long events,
        long eventsProduced,
        long dlq,
        long users,
        long sessionsClosed,
        long checkpoints,
        ModelProgress model,
        JobState job) {

    /** The figures of a job running as it should. */
    public JobProgress(
            long atNanos,
            long events,
            long eventsProduced,
            long dlq,
            long users,
            long sessionsClosed,
            long checkpoints,
            ModelProgress model) {
        this(atNanos, events, eventsProduced, dlq, users, sessionsClosed, checkpoints, model, JobState.RUNNING);
    }

    /** The figures of an ingestion-only job. */
    public JobProgress(
            long atNanos,
            long events,
            long eventsProduced,
            long dlq,
            long users,
            long sessionsClosed,
            long checkpoints) {
        this(
                atNanos,
                events,
                eventsProduced,
                dlq,
                users,
                sessionsClosed,
                checkpoints,
                ModelProgress.NONE,
                JobState.RUNNING);
    }

    /** Nothing done yet, at {@code atNanos}: the reading before the first. */
    static JobProgress startingAt(long atNanos) {
        return new JobProgress(atNanos, 0, 0, 0, 0, 0, 0);
    }

    /** Events per second consumed between {@code earlier} and this reading; never negative. */
    public double eventsPerSecSince(JobProgress earlier) {
        double seconds = (atNanos - earlier.atNanos) / 1e9;
        return seconds > 0 ? Math.max(0, events - earlier.events) / seconds : 0;
    }

    /** One human-readable progress line, rate measured since {@code earlier}. */
    public String formatLine(JobProgress earlier, double elapsedSec) {
        String line = String.format(
                java.util.Locale.ROOT,
                "[%6.1fs] %sevents %,d (%,.0f/s) | produced %,d | users %,d | sessions closed %,d | dlq %,d | checkpoints %d",
                elapsedSec,
                job.prefix(),
                events,
                eventsPerSecSince(earlier),
                eventsProduced,
                users,
                sessionsClosed,
                dlq,
                checkpoints);
        return (model == ModelProgress.NONE
                        ? line
                        : line + " | " + model.format(earlier.model, (atNanos - earlier.atNanos) / 1e9))
                + job.suffix();
    }
}
