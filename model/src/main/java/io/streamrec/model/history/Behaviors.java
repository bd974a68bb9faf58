package io.streamrec.model.history;

import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.EventType;
import io.streamrec.schemas.UserEvent;

/** Turns an accepted {@link UserEvent} into the {@link Behavior} that user state keeps. */
public final class Behaviors {
    private Behaviors() {}

    /**
     * The event's behaviour with its type in canonical lower case and its reward resolved: the event's
     * own {@code weight}, or its type's default when the event has none.
     *
     * @throws IllegalArgumentException if the event type is unknown; events must be validated before
     *     they reach user history, which is where unknown types are dead-lettered
     */
    public static Behavior from(UserEvent event) {
        EventType type = EventType.parse(event.getEventType())
                .orElseThrow(() -> new IllegalArgumentException("event " + event.getEventId()
                        + " has unknown eventType '" + event.getEventType()
                        + "'; validate events before user history so that unknown types are dead-lettered"));
        Double weight = event.getWeight();
        return new Behavior(
                event.getEventId(),
                event.getItemId(),
                type.wireName(),
                event.getTimestamp(),
                event.getSessionId(),
                event.getLeafCategoryId(),
                event.getCategoryId(),
                event.getShopId(),
                event.getBrandId(),
                weight != null ? weight : type.defaultWeight());
    }
}
