package io.streamrec.model.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Draws ranks 0..n-1 with P(rank r) ∝ 1/(r+1)^s, by binary search over the cumulative weights. */
final class ZipfSampler {

    private final double[] cumulative;

    ZipfSampler(int n, double exponent) {
        if (n <= 0) {
            throw new IllegalArgumentException("a Zipf sampler needs at least one rank, got " + n);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += Math.pow(r + 1, -exponent);
            cumulative[r] = sum;
        }
        for (int r = 0; r < n; r++) {
            cumulative[r] /= sum;
        }
    }

    int sample(SplittableRandom random) {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(i >= 0 ? i : -i - 1, cumulative.length - 1);
    }
}
