package io.streamrec.model.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a micro-batch into sub-batches of similar session length, so that short sessions are not padded to the
 * longest one in the batch.
 *
 * <p>Cost of encoding n users padded to length T, in units of one real position: {@code perBatch + perStep·T + n·T}.
 * The per-batch term is the fixed cost of a forward pass (one call per operator), the per-step term what the LSTM's
 * recurrence pays per time step whatever the batch. The partition minimises the summed cost over contiguous runs of
 * the sorted lengths (dynamic programming over the distinct lengths, at most the maximum session length of them), so
 * it pads only where another pass would cost more than the padding.
 *
 * @param perBatch fixed cost of one forward pass, in positions
 * @param perStep  cost of one time step of the padded length, in positions
 */
public record SessionBuckets(double perBatch, double perStep) {

    /**
     * Measured for SDM at D=64 with one PyTorch thread ({@code benchmarks/run encoder}): a forward pass costs about as
     * much as 400 real positions, a time step about 8.
     */
    public static final SessionBuckets DEFAULT = new SessionBuckets(400, 8);

    /** One bucket for all: the batch padded to its longest session (what encoding without buckets does). */
    public static final SessionBuckets NONE = new SessionBuckets(Double.POSITIVE_INFINITY, 0);

    public SessionBuckets {
        if (!(perBatch >= 0) || !(perStep >= 0)) {
            throw new IllegalArgumentException("bucket costs must be non-negative, got " + perBatch + ", " + perStep);
        }
    }

    /**
     * The partition of users {@code 0..lengths.length-1} into buckets, each bucket's indices in ascending length.
     *
     * @param lengths each user's padded session length (at least 1)
     */
    public List<int[]> partition(int[] lengths) {
        int n = lengths.length;
        if (n == 0) {
            return List.of();
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(lengths[a], lengths[b]));
        if (Double.isInfinite(perBatch)) {
            return List.of(Arrays.stream(order).mapToInt(Integer::intValue).toArray());
        }
        // runs of equal length: ends[j] is one past the last sorted index of the j-th distinct length
        int[] ends = new int[n];
        int runs = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || lengths[order[i]] != lengths[order[i - 1]]) {
                ends[runs++] = i;
            }
        }
        double[] best = new double[runs + 1];
        int[] cut = new int[runs + 1];
        for (int j = 1; j <= runs; j++) {
            best[j] = Double.POSITIVE_INFINITY;
            int end = ends[j - 1];
            double length = lengths[order[end - 1]];
            for (int i = 1; i <= j; i++) {
                int start = i == 1 ? 0 : ends[i - 2];
                double cost = best[i - 1] + perBatch + perStep * length + (end - start) * length;
                if (cost < best[j]) {
                    best[j] = cost;
                    cut[j] = i - 1;
                }
            }
        }
        List<int[]> buckets = new ArrayList<>();
        for (int j = runs; j > 0; j = cut[j]) {
            int start = cut[j] == 0 ? 0 : ends[cut[j] - 1];
            int end = ends[j - 1];
            int[] bucket = new int[end - start];
            for (int k = start; k < end; k++) {
                bucket[k - start] = order[k];
            }
            buckets.add(0, bucket);
        }
        return buckets;
    }
}
