package io.streamrec.model.history;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The offline counterpart of the streaming user-state operator: replays events in event-time order
 * through one {@link UserHistory} per user, with the same {@link HistoryPolicy}, so offline training and
 * evaluation see exactly the features the online job produces. It needs no lateness handling: a
 * dataset is already in order, which is what the operator's event-time buffer reconstructs online.
 *
 * <p>Keeps every user's history in memory; not thread-safe.
 */
public final class HistoryReplay {
    private final HistoryPolicy policy;
    private final Map<String, UserHistory> histories = new HashMap<>();
    private long duplicates;

    public HistoryReplay(HistoryPolicy policy) {
        this(policy, List.of());
    }

    /** Starts each user with the given profile, as the operator does once a profile has arrived. */
    public HistoryReplay(HistoryPolicy policy, Collection<UserProfile> profiles) {
        this.policy = policy;
        for (UserProfile profile : profiles) {
            historyOf(profile.getUserId()).updateProfile(profile);
        }
    }

    /** One user's events, in event-time order, as steps (duplicates skipped). */
    public static List<HistoryStep> replayUser(HistoryPolicy policy, Iterable<UserEvent> events) {
        HistoryReplay replay = new HistoryReplay(policy);
        List<HistoryStep> steps = new ArrayList<>();
        for (UserEvent event : events) {
            replay.apply(event).ifPresent(steps::add);
        }
        return steps;
    }

    /**
     * All users' events, interleaved in non-decreasing event time (as {@code EventDataset.events()}
     * yields them), as steps in the same order. Lazy: each step is computed as the stream is consumed.
     */
    public Stream<HistoryStep> replay(Stream<UserEvent> eventsInTimeOrder) {
        return eventsInTimeOrder.map(this::apply).flatMap(Optional::stream);
    }

    /**
     * Applies the next event of its user.
     *
     * @return empty for a repeated event id (counted in {@link #duplicates()})
     * @throws IllegalArgumentException if the event is older than its user's previous one
     */
    public Optional<HistoryStep> apply(UserEvent event) {
        Optional<HistoryStep> step = historyOf(event.getUserId()).apply(event, policy);
        if (step.isEmpty()) {
            duplicates++;
        }
        return step;
    }

    /** Repeated event ids skipped so far. */
    public long duplicates() {
        return duplicates;
    }

    /** Users with a history so far. */
    public int users() {
        return histories.size();
    }

    private UserHistory historyOf(String userId) {
        return histories.computeIfAbsent(userId, id -> new UserHistory());
    }
}
