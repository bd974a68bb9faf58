package io.streamrec.model.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.IntPredicate;

/** Exact top-K selection over a dense score array or a fixed order, skipping excluded ids. */
final class TopItems {

    private TopItems() {}

    /**
     * The k best-scoring items with a score above zero, best first, then — while fewer than k —
     * items from {@code fallback} in its order (items without evidence are ranked by the fallback,
     * not arbitrarily).
     */
    static List<String> select(float[] scores, int k, ItemIndex items, Set<String> exclude, int[] fallback) {
        PriorityQueue<Integer> heap = new PriorityQueue<>(k + 1, (a, b) -> Float.compare(scores[a], scores[b]));
        for (int i = 0; i < items.size(); i++) {
            if (scores[i] <= 0 || (heap.size() == k && scores[i] <= scores[heap.peek()])) {
                continue;
            }
            if (exclude.contains(items.id(i))) {
                continue;
            }
            heap.add(i);
            if (heap.size() > k) {
                heap.poll();
            }
        }
        String[] best = new String[heap.size()];
        for (int r = best.length - 1; r >= 0; r--) {
            best[r] = items.id(heap.poll());
        }
        List<String> ranked = new ArrayList<>(List.of(best));
        fill(ranked, fallback, k, items, exclude, i -> scores[i] <= 0);
        return ranked;
    }

    /** The first k items of {@code order} that are not excluded. */
    static List<String> inOrder(int[] order, int k, ItemIndex items, Set<String> exclude) {
        List<String> ranked = new ArrayList<>(k);
        fill(ranked, order, k, items, exclude, i -> true);
        return ranked;
    }

    private static void fill(
            List<String> ranked, int[] order, int k, ItemIndex items, Set<String> exclude, IntPredicate eligible) {
        for (int f = 0; f < order.length && ranked.size() < k; f++) {
            int i = order[f];
            if (eligible.test(i) && !exclude.contains(items.id(i))) {
                ranked.add(items.id(i));
            }
        }
    }
}
