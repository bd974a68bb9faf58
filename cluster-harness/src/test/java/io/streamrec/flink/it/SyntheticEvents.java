package io.streamrec.flink.it;

import io.streamrec.schemas.UserEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded stream of interactions of any length, for soaks longer or faster than ml-latest-small allows: {@code users}
 * users and {@code items} items, both skewed (a few users and items take much of the traffic, as in real logs), item
 * categories fixed per item, event times one second apart from 2024-01-01 (in order, so none is late, and in the
 * past, so none is refused for being in the future). The same seed gives the same events, so the oracle's reference
 * is exact.
 */
final class SyntheticEvents {

    private static final long START_MILLIS =
            Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    private static final int CATEGORIES = 24;

    private SyntheticEvents() {}

    static List<UserEvent> generate(int count, int users, int items, long seed) {
        if (users < 1 || items < 1) {
            throw new IllegalArgumentException("a synthetic stream needs at least one user and one item, got " + users
                    + " users and " + items + " items");
        }
        Random random = new Random(seed);
        List<UserEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int user = 1 + skewed(random, users);
            int item = 1 + skewed(random, items);
            int category = item % CATEGORIES;
            events.add(UserEvent.newBuilder()
                    .setEventId("s" + seed + "-" + i)
                    .setUserId(Integer.toString(user))
                    .setItemId(Integer.toString(item))
                    .setEventType("rate")
                    .setTimestamp(START_MILLIS + i * 1000L)
                    .setCategoryId("c" + category)
                    .setLeafCategoryId("c" + category + "|c" + (item * 7 % CATEGORIES))
                    .build());
        }
        return events;
    }

    /** An index in [0, n), low indices likelier: the square of a uniform draw (the top 1 % take about a tenth). */
    private static int skewed(Random random, int n) {
        double u = random.nextDouble();
        return Math.min(n - 1, (int) (n * u * u));
    }
}
