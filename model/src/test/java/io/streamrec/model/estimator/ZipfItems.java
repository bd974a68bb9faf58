package io.streamrec.model.estimator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Test stream: items "item-0" … "item-(n−1)" drawn i.i.d. with P(rank k) ∝ 1/(k+1)^s. */
public final class ZipfItems {
    private final double[] probability;
    private final double[] cumulative;
    private final String[] ids;
    /** ids[rank[k]] is the item currently at popularity rank k. */
    private final int[] itemAtRank;

    public ZipfItems(int items, double exponent) {
        probability = new double[items];
        cumulative = new double[items];
        ids = new String[items];
        itemAtRank = new int[items];
        double total = 0;
        for (int k = 0; k < items; k++) {
            probability[k] = 1.0 / Math.pow(k + 1, exponent);
            total += probability[k];
            ids[k] = "item-" + k;
            itemAtRank[k] = k;
        }
        double running = 0;
        for (int k = 0; k < items; k++) {
            probability[k] /= total;
            running += probability[k];
            cumulative[k] = running;
        }
    }

    /** Exchanges the items at two popularity ranks, from the next batch on. */
    void swapRanks(int a, int b) {
        int item = itemAtRank[a];
        itemAtRank[a] = itemAtRank[b];
        itemAtRank[b] = item;
    }

    String idAtRank(int rank) {
        return ids[itemAtRank[rank]];
    }

    /** The expected occurrences per batch of the item at this rank: what p̂ estimates. */
    double expectedCount(int rank, int batchSize) {
        return probability[rank] * batchSize;
    }

    List<String> batch(SplittableRandom random, int size) {
        List<String> batch = new ArrayList<>(size);
        for (int n = 0; n < size; n++) {
            batch.add(ids[itemAtRank[rank(random)]]);
        }
        return batch;
    }

    /** One popularity rank drawn from the Zipf distribution. */
    public int rank(SplittableRandom random) {
        int rank = Arrays.binarySearch(cumulative, random.nextDouble());
        return rank >= 0 ? rank : Math.min(-rank - 1, cumulative.length - 1);
    }

    /** P(rank). */
    public double probability(int rank) {
        return probability[rank];
    }
}
