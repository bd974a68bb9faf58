package io.streamrec.model.history;

import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The items a user has already taken, as far as the system knows them: the item ids of a snapshot's long-term
 * history L^u_item and of its live session S^u. This is the one rule behind "seen" everywhere: the items a
 * ranking leaves out when seen items are excluded (offline evaluation, the trainer's prequential scoring, later
 * serving), the candidates a repeat-consumption score may raise, and the history ItemCF reads. It is bounded by
 * the user-history rules (retention and length per feature), so the online job and any offline replay of the same
 * events agree on it exactly.
 */
public final class SeenItems {

    private SeenItems() {}

    /** The distinct items of the snapshot, least recent first (long-term history, then the session). */
    public static Set<String> of(FeatureSnapshot context) {
        Set<String> items = new LinkedHashSet<>();
        for (String id : context.getLongTerm().getItem()) {
            items.remove(id);
            items.add(id);
        }
        for (Behavior b : context.getSession()) {
            items.remove(b.getItemId());
            items.add(b.getItemId());
        }
        return items;
    }

    /** Each distinct item's recency: 1 for the most recently taken, 2 for the next distinct one, and so on. */
    public static Map<String, Integer> recency(FeatureSnapshot context) {
        List<String> ordered = new ArrayList<>(of(context));
        Map<String, Integer> recency = new HashMap<>(ordered.size() * 2);
        for (int i = 0; i < ordered.size(); i++) {
            recency.put(ordered.get(i), ordered.size() - i);
        }
        return recency;
    }
}
