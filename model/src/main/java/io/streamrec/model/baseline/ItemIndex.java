package io.streamrec.model.baseline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Dense int indexes for the item ids a baseline has seen, in first-seen order. */
final class ItemIndex {

    private final Map<String, Integer> indexes = new HashMap<>();
    private final List<String> ids = new ArrayList<>();

    /** The item's index, adding it if new. */
    int add(String itemId) {
        Integer i = indexes.get(itemId);
        if (i == null) {
            i = ids.size();
            indexes.put(itemId, i);
            ids.add(itemId);
        }
        return i;
    }

    /** The item's index, or -1 when it was never seen. */
    int indexOf(String itemId) {
        Integer i = indexes.get(itemId);
        return i == null ? -1 : i;
    }

    String id(int index) {
        return ids.get(index);
    }

    int size() {
        return ids.size();
    }
}
