package io.streamrec.serving.model;

import io.streamrec.serving.index.ItemIndex;
import io.streamrec.serving.index.ScoredItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Top-K retrieval for a user vector at one view of the model.
 *
 * <p>A user with one interest (SDM, mean pooling) is one search with that vector. A user with K interests (SINE) is
 * K searches, one per interest vector, merged by ComiRec's greedy aggregation (Cen et al., KDD 2020, §3.4): each
 * candidate's relevance is its best score over the interests, f(u,i) = max_k ⟨e_i, u_k⟩; the answer is grown one item
 * at a time, each time taking the candidate that maximises f(u,i) + λ·Σ_{j∈S} δ(cat(i) ≠ cat(j)), where S is what has
 * been taken and cat the item's category. λ = 0 (the default) is the plain merge by best score; a larger λ trades
 * relevance for categories not yet in the answer. The score reported is f(u,i).
 */
public final class Retrieval {

    private final double diversityWeight;

    /** {@code diversityWeight}: λ of the greedy aggregation (0 merges by best score). */
    public Retrieval(double diversityWeight) {
        if (!(diversityWeight >= 0) || Double.isInfinite(diversityWeight)) {
            throw new IllegalArgumentException("diversity weight must be >= 0, got " + diversityWeight);
        }
        this.diversityWeight = diversityWeight;
    }

    public double diversityWeight() {
        return diversityWeight;
    }

    /** The top {@code k} items for a user with the given interest vectors, at {@code view}'s version. */
    public List<ScoredItem> retrieve(
            ServingModel.View view, List<float[]> interests, int k, ItemIndex.ItemFilter exclude) {
        return retrieve(view, interests, k, exclude, score -> score);
    }

    /**
     * As {@link #retrieve(ServingModel.View, List, int, ItemIndex.ItemFilter)}, each index score turned into the score
     * answers report (the model's logit) before interests are merged, so that λ weighs against logits.
     */
    public List<ScoredItem> retrieve(
            ServingModel.View view,
            List<float[]> interests,
            int k,
            ItemIndex.ItemFilter exclude,
            FloatUnaryOperator toScore) {
        Map<String, ScoredItem> best = new LinkedHashMap<>();
        for (float[] interest : interests) {
            for (ScoredItem found : view.index().search(interest, k, view.version(), exclude)) {
                ScoredItem item = new ScoredItem(found.itemId(), toScore.apply(found.score()), found.info());
                best.merge(item.itemId(), item, (a, b) -> a.score() >= b.score() ? a : b);
            }
        }
        List<ScoredItem> merged = new ArrayList<>(best.values());
        if (interests.size() == 1) {
            return merged;
        }
        return greedy(merged, k);
    }

    /** A score mapping. */
    @FunctionalInterface
    public interface FloatUnaryOperator {
        float apply(float score);
    }

    /** ComiRec's greedy aggregation over the merged candidates. */
    List<ScoredItem> greedy(List<ScoredItem> candidates, int k) {
        candidates.sort((a, b) -> Float.compare(b.score(), a.score()));
        if (diversityWeight == 0 || candidates.size() <= 1) {
            return candidates.subList(0, Math.min(k, candidates.size()));
        }
        List<ScoredItem> chosen = new ArrayList<>(k);
        Map<String, Integer> perCategory = new HashMap<>();
        boolean[] taken = new boolean[candidates.size()];
        while (chosen.size() < k && chosen.size() < candidates.size()) {
            int pick = -1;
            double pickValue = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < candidates.size(); i++) {
                if (taken[i]) {
                    continue;
                }
                ScoredItem c = candidates.get(i);
                String category = category(c);
                int same = category == null ? 0 : perCategory.getOrDefault(category, 0);
                double value = c.score() + diversityWeight * (chosen.size() - same);
                if (value > pickValue) {
                    pickValue = value;
                    pick = i;
                }
            }
            taken[pick] = true;
            ScoredItem picked = candidates.get(pick);
            chosen.add(picked);
            String category = category(picked);
            if (category != null) {
                perCategory.merge(category, 1, Integer::sum);
            }
        }
        return chosen;
    }

    private static String category(ScoredItem item) {
        return item.info() == null ? null : item.info().categoryId();
    }
}
