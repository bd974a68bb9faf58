package io.streamrec.model.history;

import io.streamrec.model.Feature;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one user (docs/design.md, "User state"): the live session S^u, the long-term history L^u of the earlier
 * sessions, the latest profile, and the event ids seen lately. Events must be applied in event-time
 * order; the streaming operator and {@link HistoryReplay} both guarantee it.
 *
 * <p>Rules, with the thresholds of a {@link HistoryPolicy}:
 * <ul>
 *   <li>An event starts a new session when the session is not empty and the event's sessionId differs
 *       from the last one (when the event carries one), or the gap to the previous event exceeds the
 *       session gap, or the session already holds the maximum number of items.</li>
 *   <li>A session that ends moves into L^u: for each feature, the behaviour's id for it (skipping
 *       missing ids), one entry per distinct id, stamped with when it was last seen.</li>
 *   <li>L^u shows the entries last seen at or after (start of the current session − retention), at most
 *       the most recent {@code maxLongTermPerFeature} per feature.</li>
 *   <li>A repeated event id (within the dedup memory) changes nothing.</li>
 *   <li>An event later than the lapse time ({@link #lapsesAt}) finds nothing visible left: the history
 *       starts over (session count and dedup memory included); the profile stays.</li>
 * </ul>
 *
 * <p>Every snapshot is a pure function of the events applied so far: {@link #expire} (run by timers,
 * whenever they fire) only drops what no later snapshot could show.
 *
 * <p>Snapshots share {@link Behavior} instances and the profile map with this state; treat them as
 * read-only.
 */
public final class UserHistory {
    private static final long NO_TIME = 0L;

    final List<Behavior> session;
    long sessionStart = NO_TIME;
    final LongTermHistory longTerm;
    Map<String, String> profile = Collections.emptyMap();
    /** {@link Long#MIN_VALUE} while the user has no profile. */
    long profileUpdatedAt = Long.MIN_VALUE;

    long sessionsClosed;
    final RecentEventIds recentEventIds;
    /** Null until the first event (and again after the history lapses). */
    String lastEventId;

    long lastEventTime = NO_TIME;

    public UserHistory() {
        this(new ArrayList<>(), new LongTermHistory(), new RecentEventIds());
    }

    private UserHistory(List<Behavior> session, LongTermHistory longTerm, RecentEventIds recentEventIds) {
        this.session = session;
        this.longTerm = longTerm;
        this.recentEventIds = recentEventIds;
    }

    /**
     * Applies one event, given in event-time order.
     *
     * @return the snapshot before (as a training example with this event as target) and after; empty
     *     when the event id was seen lately, in which case nothing changed
     * @throws IllegalArgumentException if the event is older than the last applied one
     */
    public Optional<HistoryStep> apply(UserEvent event, HistoryPolicy policy) {
        long time = event.getTimestamp();
        if (hasEvents()) {
            if (time < lastEventTime) {
                throw new IllegalArgumentException("event " + event.getEventId() + " of user " + event.getUserId()
                        + " at " + time + " is older than the last applied event " + lastEventId + " at "
                        + lastEventTime + "; apply each user's events in event-time order");
            }
            if (time > lapsesAt(policy)) {
                startOver();
            }
        }
        if (recentEventIds.contains(event.getEventId())) {
            return Optional.empty();
        }
        Behavior behavior = Behaviors.from(event);
        String userId = event.getUserId();
        FeatureSnapshot before = snapshot(userId, earliestVisibleAt(time, policy));
        boolean closesSession = startsNewSession(behavior, policy);
        if (closesSession) {
            closeSession(policy);
        }
        if (session.isEmpty()) {
            sessionStart = time;
            longTerm.pruneBefore(time - policy.longTermRetentionMillis());
        }
        session.add(behavior);
        recentEventIds.add(behavior.getEventId(), policy.dedupMemory());
        lastEventId = behavior.getEventId();
        lastEventTime = time;
        return Optional.of(new HistoryStep(new TrainingExample(before, behavior), snapshot(userId), closesSession));
    }

    /**
     * Keeps the profile if it is at least as recent as the one held.
     *
     * @return whether the profile was taken
     */
    public boolean updateProfile(UserProfile update) {
        if (update.getUpdatedAt() < profileUpdatedAt) {
            return false;
        }
        profile = update.getFeatures();
        profileUpdatedAt = update.getUpdatedAt();
        return true;
    }

    /**
     * Drops what no later snapshot can show, given that no event at or before {@code watermark} is still
     * to be applied. When the whole history has lapsed, it starts over and only the profile remains.
     *
     * @return whether no event-derived state is left (the caller may discard an {@link #isEmpty()} history)
     */
    public boolean expire(long watermark, HistoryPolicy policy) {
        if (!hasEvents()) {
            return true;
        }
        if (watermark >= lapsesAt(policy)) {
            startOver();
            return true;
        }
        longTerm.pruneBefore(earliestVisibleAt(watermark + 1, policy));
        return false;
    }

    /**
     * The event time after which this history lapses: an event later than this finds the session ended
     * and every behaviour older than the retention. {@link Long#MAX_VALUE} before the first event.
     */
    public long lapsesAt(HistoryPolicy policy) {
        if (!hasEvents()) {
            return Long.MAX_VALUE;
        }
        long lapseAfter = policy.lapseAfterMillis();
        return lastEventTime > Long.MAX_VALUE - lapseAfter ? Long.MAX_VALUE : lastEventTime + lapseAfter;
    }

    /** The snapshot after the last applied event. */
    public FeatureSnapshot snapshot(String userId) {
        return snapshot(userId, Long.MIN_VALUE);
    }

    /** Event time of the last applied event; 0 before the first. */
    public long lastEventTime() {
        return lastEventTime;
    }

    public boolean hasEvents() {
        return lastEventId != null;
    }

    /** No events and no profile: nothing worth keeping. */
    public boolean isEmpty() {
        return !hasEvents() && !hasProfile();
    }

    public boolean hasProfile() {
        return profileUpdatedAt != Long.MIN_VALUE;
    }

    public int sessionLength() {
        return session.size();
    }

    public int longTermSize(Feature feature) {
        return longTerm.size(feature);
    }

    /** A deep copy, sharing only the immutable-by-convention Avro records and profile map. */
    public UserHistory copy() {
        UserHistory copy = new UserHistory(new ArrayList<>(session), new LongTermHistory(), new RecentEventIds());
        for (Feature f : Feature.values()) {
            for (Map.Entry<String, Long> entry : longTerm.entries(f)) {
                copy.longTerm.restore(f, entry.getKey(), entry.getValue());
            }
        }
        recentEventIds.oldestFirst().forEach(id -> copy.recentEventIds.add(id, Integer.MAX_VALUE));
        copy.sessionStart = sessionStart;
        copy.profile = profile;
        copy.profileUpdatedAt = profileUpdatedAt;
        copy.sessionsClosed = sessionsClosed;
        copy.lastEventId = lastEventId;
        copy.lastEventTime = lastEventTime;
        return copy;
    }

    /**
     * The lower bound of what L^u may show at {@code time}: relative to the current session while an
     * event at that time could still continue it by gap, otherwise relative to {@code time} itself.
     * Expiry never prunes above the bound of any later event, so snapshots do not see when it ran.
     */
    private long earliestVisibleAt(long time, HistoryPolicy policy) {
        if (!hasEvents()) {
            return Long.MIN_VALUE;
        }
        long start = time - lastEventTime > policy.sessionGapMillis() ? time : sessionStart;
        return start - policy.longTermRetentionMillis();
    }

    private boolean startsNewSession(Behavior next, HistoryPolicy policy) {
        if (session.isEmpty()) {
            return false;
        }
        Behavior last = session.get(session.size() - 1);
        boolean sessionIdChanged =
                next.getSessionId() != null && !next.getSessionId().equals(last.getSessionId());
        return sessionIdChanged
                || next.getTimestamp() - last.getTimestamp() > policy.sessionGapMillis()
                || session.size() >= policy.maxSessionItems();
    }

    private void closeSession(HistoryPolicy policy) {
        for (Behavior behavior : session) {
            longTerm.add(behavior, policy.maxLongTermPerFeature());
        }
        session.clear();
        sessionsClosed++;
    }

    private void startOver() {
        session.clear();
        sessionStart = NO_TIME;
        longTerm.clear();
        sessionsClosed = 0;
        recentEventIds.clear();
        lastEventId = null;
        lastEventTime = NO_TIME;
    }

    private FeatureSnapshot snapshot(String userId, long longTermFrom) {
        LongTermFeatures longTermView = longTerm.viewFrom(longTermFrom);
        return new FeatureSnapshot(
                userId,
                Objects.requireNonNullElse(lastEventId, ""),
                lastEventTime,
                new ArrayList<>(session),
                longTermView,
                profile,
                sessionStart,
                sessionsClosed);
    }
}
