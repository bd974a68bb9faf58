package io.streamrec.flink.it;

import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.UserEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * docs/design.md, "User state", as the project specifies it (HistoryPolicy, UserHistory's documented rules), written out
 * as plainly as possible and independently of the production code, as the test oracle. It keeps every
 * applied behaviour and computes a snapshot from scratch:
 * <ul>
 *   <li>a new session starts on a sessionId change, a gap above the session gap, or a full session;</li>
 *   <li>L^u per feature = the distinct ids of earlier sessions, each at the time it was last seen, least
 *       recent first, those last seen at or after (session start − retention), the most recent {@code max};</li>
 *   <li>an event later than (last event + max(gap, retention)) starts the history over, session count
 *       included.</li>
 * </ul>
 */
final class ReferenceUserState {

    /** The thresholds of those rules, taken from the policy the job runs with. */
    record Rules(long maxGapMs, int maxSessionItems, long retentionMs, int maxLongTermPerFeature) {
        static Rules of(HistoryPolicy policy) {
            return new Rules(
                    policy.sessionGapMillis(),
                    policy.maxSessionItems(),
                    policy.longTermRetentionMillis(),
                    policy.maxLongTermPerFeature());
        }
    }

    private final Rules rules;
    private final String userId;
    /** Every behaviour of the ended sessions since the history last started over, in applied order. */
    private final List<Behavior> ended = new ArrayList<>();

    private final List<Behavior> session = new ArrayList<>();
    private long sessionsClosed;
    private UserEvent last;

    private ReferenceUserState(Rules rules, String userId) {
        this.rules = rules;
        this.userId = userId;
    }

    /** The final snapshot of every user, given all accepted events in arrival order. */
    static Map<String, FeatureSnapshot> finalSnapshots(List<UserEvent> acceptedInArrivalOrder, Rules rules) {
        Map<String, List<UserEvent>> byUser = new LinkedHashMap<>();
        for (UserEvent e : acceptedInArrivalOrder) {
            byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>()).add(e);
        }
        Map<String, FeatureSnapshot> result = new LinkedHashMap<>();
        byUser.forEach((user, events) -> {
            List<UserEvent> inTimeOrder = new ArrayList<>(events);
            inTimeOrder.sort(Comparator.comparingLong(UserEvent::getTimestamp)); // stable: ties keep arrival order
            ReferenceUserState state = new ReferenceUserState(rules, user);
            inTimeOrder.forEach(state::apply);
            result.put(user, state.snapshot());
        });
        return result;
    }

    private void apply(UserEvent e) {
        if (last != null && e.getTimestamp() > last.getTimestamp() + Math.max(rules.maxGapMs(), rules.retentionMs())) {
            ended.clear();
            session.clear();
            sessionsClosed = 0;
        }
        if (!session.isEmpty()) {
            Behavior previous = session.get(session.size() - 1);
            boolean newSessionId = e.getSessionId() != null && !e.getSessionId().equals(previous.getSessionId());
            boolean gap = e.getTimestamp() - previous.getTimestamp() > rules.maxGapMs();
            boolean full = session.size() >= rules.maxSessionItems();
            if (newSessionId || gap || full) {
                ended.addAll(session);
                session.clear();
                sessionsClosed++;
            }
        }
        session.add(Behavior.newBuilder()
                .setEventId(e.getEventId())
                .setItemId(e.getItemId())
                .setEventType(e.getEventType())
                .setTimestamp(e.getTimestamp())
                .setSessionId(e.getSessionId())
                .setLeafCategoryId(e.getLeafCategoryId())
                .setCategoryId(e.getCategoryId())
                .setShopId(e.getShopId())
                .setBrandId(e.getBrandId())
                .setWeight(e.getWeight() != null ? e.getWeight() : 1.0) // every test event is a `rate`: reward 1
                .build());
        last = e;
    }

    private FeatureSnapshot snapshot() {
        long sessionStart = session.get(0).getTimestamp();
        long from = sessionStart - rules.retentionMs();
        return FeatureSnapshot.newBuilder()
                .setUserId(userId)
                .setEventId(last.getEventId())
                .setEventTime(last.getTimestamp())
                .setSession(new ArrayList<>(session))
                .setLongTerm(LongTermFeatures.newBuilder()
                        .setItem(longTerm(Behavior::getItemId, from))
                        .setLeafCategory(longTerm(Behavior::getLeafCategoryId, from))
                        .setCategory(longTerm(Behavior::getCategoryId, from))
                        .setShop(longTerm(Behavior::getShopId, from))
                        .setBrand(longTerm(Behavior::getBrandId, from))
                        .build())
                .setProfile(Map.of())
                .setSessionStart(sessionStart)
                .setSessionsClosed(sessionsClosed)
                .build();
    }

    /** Distinct ids ordered by their last occurrence, kept if last seen at or after {@code from}, the last max. */
    private List<String> longTerm(Function<Behavior, String> feature, long from) {
        LinkedHashMap<String, Long> lastSeen = new LinkedHashMap<>();
        for (Behavior b : ended) {
            String id = feature.apply(b);
            if (id != null) {
                lastSeen.remove(id);
                lastSeen.put(id, b.getTimestamp());
            }
        }
        List<String> ids = new ArrayList<>();
        lastSeen.forEach((id, seen) -> {
            if (seen >= from) {
                ids.add(id);
            }
        });
        return new ArrayList<>(ids.subList(Math.max(0, ids.size() - rules.maxLongTermPerFeature()), ids.size()));
    }
}
