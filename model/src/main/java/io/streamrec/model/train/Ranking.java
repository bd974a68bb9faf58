package io.streamrec.model.train;

import java.util.List;

/**
 * Where one example's target landed in an exact ranking of the whole item vocabulary.
 *
 * @param topIds     the K best item ids, best first
 * @param targetRank 1-based rank of the target item (ties ranked ahead of it), or {@link #UNRANKED} when the model has no row
 *                   for it yet (a cold item counts as a miss at every K)
 */
public record Ranking(List<String> topIds, int targetRank) {

    public static final int UNRANKED = 0;

    /** True when the target is among the first {@code k}. */
    public boolean hitAt(int k) {
        return targetRank != UNRANKED && targetRank <= k;
    }
}
