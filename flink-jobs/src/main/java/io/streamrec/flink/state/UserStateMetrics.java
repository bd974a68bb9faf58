package io.streamrec.flink.state;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The user-state operator's metrics, in the {@code userState} group of each subtask:
 * {@code eventsApplied}, {@code duplicateEvents}, {@code lateEvents}, {@code sessionsClosed},
 * {@code historyReadsSkipped} (users known to have no state, not read), {@code eventsReleasedEarly} (applied
 * before the watermark passed them because the waiting buffer was full), {@code eventsReinserted} (in arrival
 * order: events older than the user's last applied one, re-inserted in event-time order), {@code eventsReplayed}
 * (in arrival order: waiting events applied again to rebuild a user's history for a re-insertion; counters)
 * and {@code usersWithState} (gauge: histories created minus histories cleared).
 */
final class UserStateMetrics {
    static final String GROUP = "userState";

    final Counter eventsApplied;
    final Counter duplicateEvents;
    final Counter lateEvents;
    final Counter sessionsClosed;
    final Counter historyReadsSkipped;
    final Counter eventsReleasedEarly;
    final Counter eventsReinserted;
    final Counter eventsReplayed;
    /** Written by the task thread only; read by metric reporters. */
    private volatile long usersWithState;

    UserStateMetrics(MetricGroup operatorGroup, long restoredUsersWithState) {
        MetricGroup group = operatorGroup.addGroup(GROUP);
        this.eventsApplied = group.counter("eventsApplied");
        this.duplicateEvents = group.counter("duplicateEvents");
        this.lateEvents = group.counter("lateEvents");
        this.sessionsClosed = group.counter("sessionsClosed");
        this.historyReadsSkipped = group.counter("historyReadsSkipped");
        this.eventsReleasedEarly = group.counter("eventsReleasedEarly");
        this.eventsReinserted = group.counter("eventsReinserted");
        this.eventsReplayed = group.counter("eventsReplayed");
        this.usersWithState = restoredUsersWithState;
        group.gauge("usersWithState", this::usersWithState);
    }

    long usersWithState() {
        return usersWithState;
    }

    void userCreated() {
        usersWithState = usersWithState + 1;
    }

    void userCleared() {
        usersWithState = usersWithState - 1;
    }
}
