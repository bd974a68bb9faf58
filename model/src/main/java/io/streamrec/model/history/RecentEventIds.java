package io.streamrec.model.history;

import java.util.Iterator;
import java.util.LinkedHashSet;

/** The most recent event ids of one user, oldest first, bounded: the dedup memory. */
final class RecentEventIds {
    private final LinkedHashSet<String> ids = new LinkedHashSet<>();

    boolean contains(String eventId) {
        return ids.contains(eventId);
    }

    /** Remembers the id, forgetting the oldest ones beyond {@code capacity}. */
    void add(String eventId, int capacity) {
        ids.add(eventId);
        Iterator<String> oldestFirst = ids.iterator();
        for (int excess = ids.size() - capacity; excess > 0; excess--) {
            oldestFirst.next();
            oldestFirst.remove();
        }
    }

    int size() {
        return ids.size();
    }

    void clear() {
        ids.clear();
    }

    /** Oldest first (for the codec). */
    Iterable<String> oldestFirst() {
        return ids;
    }
}
