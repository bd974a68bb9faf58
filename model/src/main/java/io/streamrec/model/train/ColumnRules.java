package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.history.SeenItems;
import io.streamrec.schemas.TrainingExample;
import java.util.List;
import java.util.Map;

/**
 * Which softmax columns a training row may use as negatives, and which carry a repeat-consumption bonus. Columns
 * are the batch's targets, then the extra negatives. For row i and column c ≠ i:
 * <ul>
 *   <li>with {@code maskSameUser}, another target of row i's own user in the batch is not a negative: it is
 *       something that user took, not something they passed over;</li>
 *   <li>with {@code excludeSeen}, an item row i's user already took ({@link SeenItems}) is not a negative: it is
 *       never recommended to them, so the model need not learn to rank it low;</li>
 *   <li>with the repeat score, every column whose item row i's user already took gets the bonus of its recency
 *       bucket ({@link RepeatScore}), the row's own target included.</li>
 * </ul>
 */
final class ColumnRules {

    private final int rows;
    private final int columns;
    private final boolean[] notNegative;
    private final long[] buckets;

    private ColumnRules(int rows, int columns, boolean[] notNegative, long[] buckets) {
        this.rows = rows;
        this.columns = columns;
        this.notNegative = notNegative;
        this.buckets = buckets;
    }

    static ColumnRules of(
            List<TrainingExample> batch,
            List<String> targetIds,
            List<String> negativeIds,
            TrainerConfig config,
            boolean repeat) {
        int b = batch.size();
        int n = b + negativeIds.size();
        boolean maskUsers = config.get(TrainerOptions.MASK_SAME_USER);
        boolean maskSeen = config.get(TrainerOptions.EXCLUDE_SEEN);
        boolean[] notNegative = maskUsers || maskSeen ? new boolean[b * n] : null;
        long[] buckets = repeat ? new long[b * n] : null;
        boolean anyMasked = false;
        for (int i = 0; i < b; i++) {
            TrainingExample row = batch.get(i);
            String user = row.getContext().getUserId();
            Map<String, Integer> recency = maskSeen || repeat ? SeenItems.recency(row.getContext()) : Map.of();
            for (int c = 0; c < n; c++) {
                String item = c < b ? targetIds.get(c) : negativeIds.get(c - b);
                Integer taken = recency.get(item);
                if (c != i && notNegative != null) {
                    boolean sameUser = maskUsers
                            && c < b
                            && user.equals(batch.get(c).getContext().getUserId());
                    boolean seen = maskSeen && taken != null;
                    if (sameUser || seen) {
                        notNegative[i * n + c] = true;
                        anyMasked = true;
                    }
                }
                if (buckets != null && taken != null) {
                    buckets[i * n + c] = RepeatScore.bucket(taken);
                }
            }
        }
        return new ColumnRules(b, n, anyMasked ? notNegative : null, buckets);
    }

    /** (B, N) boolean, true where a column is not a negative of the row; null when nothing is masked. */
    NDArray notNegative(NDManager manager) {
        return notNegative == null ? null : manager.create(notNegative, new Shape(rows, columns));
    }

    /** The repeat buckets, or null without the repeat score. */
    long[] repeatBuckets() {
        return buckets;
    }

    /** (B, N) int64 recency buckets (0: not taken). */
    NDArray repeatBuckets(NDManager manager) {
        return manager.create(buckets, new Shape(rows, columns));
    }
}
