package io.streamrec.model.history;

import io.streamrec.schemas.UserEvent;
import java.time.Duration;

/** Compact event construction for history tests: times are minutes from an arbitrary origin. */
final class TestEvents {
    static final long T0 = 1_700_000_000_000L;

    private TestEvents() {}

    static long minutes(long m) {
        return T0 + Duration.ofMinutes(m).toMillis();
    }

    static long days(long d) {
        return T0 + Duration.ofDays(d).toMillis();
    }

    /** A view of {@code item} in category {@code "c-" + item}, with no session id. */
    static UserEvent.Builder view(String user, String eventId, String item, long time) {
        return UserEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(user)
                .setItemId(item)
                .setEventType("view")
                .setTimestamp(time)
                .setCategoryId("c-" + item);
    }

    static UserEvent at(String eventId, String item, long time) {
        return view("u1", eventId, item, time).build();
    }
}
