package io.streamrec.flink.runtime;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Reads the running job's figures: the user-state operator's metrics (group {@code userState} of
 * {@code io.streamrec.flink.state.UserStateMetrics}), Flink's checkpoint count, the dead-letter
 * topic's size, and how many events this process has replayed.
 */
final class JobProbe {

    static final String USER_STATE_GROUP = "userState";
    static final String EVENTS_APPLIED = "eventsApplied";
    static final String SESSIONS_CLOSED = "sessionsClosed";
    static final String USERS_WITH_STATE = "usersWithState";
    static final String COMPLETED_CHECKPOINTS = "numberOfCompletedCheckpoints";

    private final LiveMetrics metrics;
    private final TopicRecordCount deadLetters;
    private final LongSupplier eventsProduced;
    private final AtomicLong peakUsers = new AtomicLong();
    private final AtomicReference<JobProgress> lastAdvance;

    JobProbe(LiveMetrics metrics, TopicRecordCount deadLetters, LongSupplier eventsProduced, long startNanos) {
        this.lastAdvance = new AtomicReference<>(JobProgress.startingAt(startNanos));
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.eventsProduced = eventsProduced;
    }

    /**
     * The figures now. Every refused record (malformed, late, duplicate) goes to the dead-letter
     * topic and every accepted one is applied, so consumed events = applied + dead letters.
     */
    JobProgress read() {
        long dlq = deadLetters.count();
        long users = metrics.sum(USER_STATE_GROUP, USERS_WITH_STATE);
        peakUsers.accumulateAndGet(users, Math::max);
        JobProgress now = new JobProgress(System.nanoTime(),
                metrics.sum(USER_STATE_GROUP, EVENTS_APPLIED) + dlq,
                eventsProduced.getAsLong(),
                dlq,
                users,
                metrics.sum(USER_STATE_GROUP, SESSIONS_CLOSED),
                metrics.max(COMPLETED_CHECKPOINTS));
        lastAdvance.accumulateAndGet(now, (before, next) -> next.events() > before.events() ? next : before);
        return now;
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
