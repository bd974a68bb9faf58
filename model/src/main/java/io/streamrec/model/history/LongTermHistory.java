package io.streamrec.model.history;

import io.streamrec.model.Feature;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.LongTermFeatures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * L^u: per {@link Feature}, the distinct ids of a user's earlier sessions, each with the event time it
 * was last seen, least recent first. An id seen again moves to the end. Entries therefore stay in
 * time order, so expiry drops a prefix and the bound keeps a suffix: the two commute, which is what
 * lets a snapshot stay independent of when expiry runs.
 */
final class LongTermHistory {
    private final EnumMap<Feature, LinkedHashMap<String, Long>> byFeature = new EnumMap<>(Feature.class);

    LongTermHistory() {
        for (Feature f : Feature.values()) {
            byFeature.put(f, new LinkedHashMap<>());
        }
    }

    /** Remembers each of the behaviour's feature ids (skipping those it lacks), keeping at most {@code max} per feature. */
    void add(Behavior behavior, int max) {
        for (Feature f : Feature.values()) {
            String id = f.idOf(behavior);
            if (id != null) {
                LinkedHashMap<String, Long> entries = byFeature.get(f);
                remember(entries, id, behavior.getTimestamp());
                trimTo(entries, max);
            }
        }
    }

    /** Drops every entry last seen before {@code time}. */
    void pruneBefore(long time) {
        for (LinkedHashMap<String, Long> entries : byFeature.values()) {
            Iterator<Long> it = entries.values().iterator();
            while (it.hasNext() && it.next() < time) {
                it.remove();
            }
        }
    }

    /** The ids last seen at or after {@code from}, least recent first, as the snapshot record. */
    LongTermFeatures viewFrom(long from) {
        return new LongTermFeatures(
                idsFrom(Feature.ITEM, from),
                idsFrom(Feature.LEAF_CATEGORY, from),
                idsFrom(Feature.CATEGORY, from),
                idsFrom(Feature.SHOP, from),
                idsFrom(Feature.BRAND, from));
    }

    int size(Feature f) {
        return byFeature.get(f).size();
    }

    boolean isEmpty() {
        for (LinkedHashMap<String, Long> entries : byFeature.values()) {
            if (!entries.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    void clear() {
        byFeature.values().forEach(Map::clear);
    }

    /** One feature's (id, last seen) entries in stored order, read-only (for the codec and copies). */
    Iterable<Map.Entry<String, Long>> entries(Feature f) {
        return Collections.unmodifiableMap(byFeature.get(f)).entrySet();
    }

    /** Appends an entry as stored, without bounds (for the codec, which reads entries in stored order). */
    void restore(Feature f, String id, long lastSeen) {
        remember(byFeature.get(f), id, lastSeen);
    }

    private List<String> idsFrom(Feature f, long from) {
        LinkedHashMap<String, Long> entries = byFeature.get(f);
        List<String> ids = new ArrayList<>(entries.size());
        entries.forEach((id, lastSeen) -> {
            if (lastSeen >= from) {
                ids.add(id);
            }
        });
        return ids;
    }

    private static void remember(LinkedHashMap<String, Long> entries, String id, long lastSeen) {
        // remove first: re-putting an existing key would keep its old position
        entries.remove(id);
        entries.put(id, lastSeen);
    }

    private static void trimTo(LinkedHashMap<String, Long> entries, int max) {
        Iterator<String> it = entries.keySet().iterator();
        for (int excess = entries.size() - max; excess > 0; excess--) {
            it.next();
            it.remove();
        }
    }
}
