package io.streamrec.model.baseline;

import io.streamrec.model.FrozenState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The popularity baseline of prequential evaluation: counts the targets of the last {@code window} examples and
 * ranks items by that count (ties by item id, so the ranking is deterministic). It is asked before it learns a
 * batch's targets, like the model, so both are measured on exactly the same examples. Not thread-safe.
 */
public final class RecentPopularity {

    private final int window;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final Map<String, Integer> counts = new HashMap<>();
    /** The ranking computed last, valid until the next {@link #record}; it holds at least the items asked for. */
    private List<String> ranked = List.of();

    private boolean stale = true;

    public RecentPopularity(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("the popularity window must hold at least one target, got " + window);
        }
        this.window = window;
    }

    /** The {@code k} most counted items of the window, most counted first (ties by item id). */
    public List<String> top(int k) {
        if (stale || ranked.size() < Math.min(k, counts.size())) {
            ranked = rank(k);
            stale = false;
        }
        return ranked.subList(0, Math.min(k, ranked.size()));
    }

    /** The {@code k} most counted items that {@code exclude} does not hold. */
    public List<String> top(int k, Collection<String> exclude) {
        List<String> candidates = top(k + exclude.size());
        if (exclude.isEmpty()) {
            return candidates;
        }
        List<String> kept = new ArrayList<>(k);
        for (String id : candidates) {
            if (!exclude.contains(id)) {
                kept.add(id);
                if (kept.size() == k) {
                    break;
                }
            }
        }
        return kept;
    }

    private List<String> rank(int k) {
        Comparator<Map.Entry<String, Integer>> better = Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()));
        PriorityQueue<Map.Entry<String, Integer>> kept = new PriorityQueue<>(k + 1, better);
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            kept.add(e);
            if (kept.size() > k) {
                kept.poll();
            }
        }
        List<String> ids = new ArrayList<>(kept.size());
        while (!kept.isEmpty()) {
            ids.add(kept.poll().getKey());
        }
        Collections.reverse(ids);
        return ids;
    }

    /** Counts these targets, forgetting the oldest beyond the window. */
    public void record(List<String> targets) {
        for (String item : targets) {
            recent.addLast(item);
            counts.merge(item, 1, Integer::sum);
            if (recent.size() > window) {
                counts.computeIfPresent(recent.pollFirst(), (id, c) -> c == 1 ? null : c - 1);
            }
        }
        stale = stale || !targets.isEmpty();
    }

    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy of the window, as {@link #writeTo} writes it. */
    public FrozenState freeze() {
        String[] items = recent.toArray(new String[0]);
        return out -> {
            out.writeInt(items.length);
            for (String item : items) {
                out.writeUTF(item);
            }
        };
    }

    public void readFrom(DataInput in) throws IOException {
        int n = in.readInt();
        String[] items = new String[n];
        for (int i = 0; i < n; i++) {
            items[i] = in.readUTF();
        }
        record(List.of(items));
    }
}
