package io.streamrec.launcher.runtime;

import io.streamrec.embedded.LiveMetrics;
import io.streamrec.flink.train.TrainerOperator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads the running job's figures: the user-state operator's metrics (group {@code userState} of
 * {@code io.streamrec.flink.state.UserStateMetrics}), Flink's checkpoint count, the dead-letter
 * topic's size, how many events this process has replayed and, when the job runs the model loop, the
 * encoders' and the trainer's metrics and the event-to-vector latency.
 */
final class JobProbe {

    static final String USER_STATE_GROUP = "userState";
    static final String EVENTS_APPLIED = "eventsApplied";
    static final String SESSIONS_CLOSED = "sessionsClosed";
    static final String USERS_WITH_STATE = "usersWithState";
    static final String COMPLETED_CHECKPOINTS = "numberOfCompletedCheckpoints";
    static final String ENCODER_GROUP = "encoder";
    static final String VECTORS_OUT = "vectorsOut";
    static final String TRAINER_GROUP = TrainerOperator.METRIC_GROUP;

    private final LiveMetrics metrics;
    private final TopicRecordCount deadLetters;
    private final LongSupplier eventsProduced;
    private final AtomicLong peakUsers = new AtomicLong();
    private final AtomicReference<JobProgress> lastAdvance;
    private final Optional<VectorLatency> latency;
    private final Supplier<JobState> job;

    /**
     * @param latency the vector watcher when the job runs the model loop; empty for an ingestion-only job
     * @param job where the job stands, as last watched
     */
    JobProbe(
            LiveMetrics metrics,
            TopicRecordCount deadLetters,
            LongSupplier eventsProduced,
            long startNanos,
            Optional<VectorLatency> latency,
            Supplier<JobState> job) {
        this.latency = latency;
        this.job = job;
        this.lastAdvance = new AtomicReference<>(JobProgress.startingAt(startNanos));
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.eventsProduced = eventsProduced;
    }

    /**
     * The figures now. Every refused record (malformed, late, duplicate) goes to the dead-letter
     * topic and every accepted one is applied, so consumed events = applied + dead letters. Counts are
     * {@linkplain LiveMetrics#total totals} over restarts, so they never step back.
     */
    JobProgress read() {
        // downstream figures first: a vector read before the events is never of an event not yet counted
        ModelProgress model = latency.map(this::model).orElse(ModelProgress.NONE);
        long dlq = deadLetters.count();
        long users = metrics.sum(USER_STATE_GROUP, USERS_WITH_STATE);
        peakUsers.accumulateAndGet(users, Math::max);
        JobProgress now = new JobProgress(
                System.nanoTime(),
                metrics.total(USER_STATE_GROUP, EVENTS_APPLIED) + dlq,
                eventsProduced.getAsLong(),
                dlq,
                users,
                metrics.total(USER_STATE_GROUP, SESSIONS_CLOSED),
                metrics.max(COMPLETED_CHECKPOINTS),
                model,
                job.get());
        lastAdvance.accumulateAndGet(now, (before, next) -> next.events() > before.events() ? next : before);
        return now;
    }

    private ModelProgress model(VectorLatency vectorLatency) {
        return new ModelProgress(
                metrics.total(ENCODER_GROUP, VECTORS_OUT),
                metrics.sum(TRAINER_GROUP, "examplesTrained"),
                metrics.value(TRAINER_GROUP, "fractionTrained"),
                metrics.value(TRAINER_GROUP, "loss"),
                metrics.value(TRAINER_GROUP, "prequentialHr50"),
                metrics.value(TRAINER_GROUP, "popularityHr50"),
                metrics.sum(TRAINER_GROUP, "modelVersion"),
                vectorLatency.percentileMs(0.5),
                vectorLatency.percentileMs(0.99),
                trainer());
    }

    private TrainerFigures trainer() {
        Map<String, Long> phases = new java.util.LinkedHashMap<>();
        for (String phase : TrainerFigures.PHASES) {
            phases.put(phase, metrics.sum(TRAINER_GROUP, phase + "Ms"));
        }
        return new TrainerFigures(
                metrics.value(TRAINER_GROUP, "itemCfHr50"),
                metrics.sum(TRAINER_GROUP, "secondHalfExamples"),
                metrics.value(TRAINER_GROUP, "secondHalfHr10"),
                metrics.value(TRAINER_GROUP, "secondHalfHr50"),
                metrics.value(TRAINER_GROUP, "secondHalfPopularityHr50"),
                metrics.value(TRAINER_GROUP, "secondHalfItemCfHr50"),
                metrics.sum(TRAINER_GROUP, "examplesSeen"),
                metrics.sum(TRAINER_GROUP, "examplesReplayed"),
                phases);
    }

    /**
     * The first reading that showed the final event count: the end of the time the job was busy,
     * so that a replay which finished early does not dilute the throughput with idle seconds.
     */
    JobProgress lastAdvance() {
        return lastAdvance.get();
    }

    /**
     * The most users that held state at once among all readings so far. User state expires a
     * while (in event time) after a user's last event, so on a replay spanning years the count at
     * any one moment is far below the users seen.
     */
    long peakUsers() {
        return peakUsers.get();
    }
}
