package io.streamrec.schemas.validate;

import io.streamrec.schemas.EventType;
import io.streamrec.schemas.UserEvent;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rules of a {@link UserEvent}: required ids, a known event type (normalised to its canonical
 * lower-case name, aliases such as {@code pv} resolved), a plausible event time, and a finite,
 * non-negative weight within the limit. An absent weight stays null: {@link EventType#rewardFor}
 * supplies the type's default reward.
 */
public final class UserEventRules implements RecordRules<UserEvent> {

    private static final String KNOWN_TYPES =
            Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.joining(", "));

    private final FieldRules fields;

    public UserEventRules(ValidationLimits limits, Clock clock) {
        this.fields = new FieldRules(limits, clock);
    }

    @Override
    public void check(UserEvent e, Violations out) {
        e.setEventId(fields.requiredId(e.getEventId(), "eventId", out));
        e.setUserId(fields.requiredId(e.getUserId(), "userId", out));
        e.setItemId(fields.requiredId(e.getItemId(), "itemId", out));
        e.setEventType(eventType(e.getEventType(), out));
        if (!out.concerns("timestamp")) {
            fields.eventTime(e.getTimestamp(), "timestamp", out);
        }
        e.setSessionId(fields.optionalId(e.getSessionId(), "sessionId", out));
        e.setLeafCategoryId(fields.optionalId(e.getLeafCategoryId(), "leafCategoryId", out));
        e.setCategoryId(fields.optionalId(e.getCategoryId(), "categoryId", out));
        e.setShopId(fields.optionalId(e.getShopId(), "shopId", out));
        e.setBrandId(fields.optionalId(e.getBrandId(), "brandId", out));
        if (e.getWeight() != null) {
            weight(e.getWeight(), out);
        }
    }

    @Override
    public String userIdOf(UserEvent record) {
        return record.getUserId();
    }

    private String eventType(String raw, Violations out) {
        if (raw == null) {
            return null; // the reader has already said missing-field or null-field
        }
        String name = raw.strip();
        if (name.isEmpty()) {
            out.add(ViolationCode.EMPTY_FIELD, "eventType");
            return null;
        }
        Optional<EventType> type = EventType.parse(name);
        if (type.isEmpty()) {
            out.add(
                    ViolationCode.UNKNOWN_EVENT_TYPE,
                    "eventType",
                    Violation.quote(name) + " is none of " + KNOWN_TYPES + " (or their aliases)");
            return null;
        }
        return type.get().wireName();
    }

    private void weight(double w, Violations out) {
        if (Double.isNaN(w)) {
            out.add(ViolationCode.WEIGHT_NAN, "weight");
        } else if (Double.isInfinite(w)) {
            out.add(ViolationCode.WEIGHT_INFINITE, "weight", Double.toString(w));
        } else if (w < 0) {
            out.add(ViolationCode.WEIGHT_NEGATIVE, "weight", Double.toString(w));
        } else if (w > fields.limits().maxWeight()) {
            out.add(
                    ViolationCode.WEIGHT_TOO_LARGE,
                    "weight",
                    w + " > " + fields.limits().maxWeight());
        }
    }
}
