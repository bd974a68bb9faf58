package io.streamrec.model.baseline;

import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import java.util.LinkedHashSet;
import java.util.Set;

/** The items a snapshot says the user took recently: long-term L^u_item, then the live session S^u. */
final class ContextItems {

    private ContextItems() {}

    static Set<String> of(FeatureSnapshot context) {
        Set<String> items = new LinkedHashSet<>(context.getLongTerm().getItem());
        for (Behavior b : context.getSession()) {
            items.add(b.getItemId());
        }
        return items;
    }
}
