package io.streamrec.model.train.loss;

import ai.djl.ndarray.NDArray;

/**
 * The logQ correction when the candidate set mixes in-batch targets with M negatives drawn
 * uniformly from a vocabulary of |V| items (mixed negative sampling, Yang et al., WWW 2020).
 *
 * <p>The candidates are one sample from the mixture of the two samplers, so every column, in-batch
 * or extra, is corrected by the log of its item's expected count in the whole candidate set
 * (sampled softmax with expected counts, Bengio &amp; Senécal 2008; Jean et al. 2015):
 * <pre>
 *   Q(j) = p̂_j + M / |V|      log Q(j) = log(p̂_j + M/|V|)
 * </pre>
 * where p̂_j is the streaming estimator's expected occurrences of item j per batch (the in-batch
 * sampler's expected count) and M/|V| the uniform sampler's. Correcting in-batch columns by log p̂_j
 * alone and uniform ones by log(M/|V|) alone would over-penalise tail items, which the uniform
 * sampler makes far more common as candidates than p̂_j says.
 */
public final class MixedNegativeCorrection {

    private MixedNegativeCorrection() {}

    /**
     * log(p̂ + M/|V|) element-wise.
     *
     * @param logEstimatedCount log p̂_j from the frequency estimator, any shape
     * @param extraNegatives    M, the uniform negatives per batch
     * @param vocabularySize    |V|, the number of items they are drawn from
     */
    public static NDArray logExpectedCount(NDArray logEstimatedCount, long extraNegatives, long vocabularySize) {
        if (extraNegatives < 0 || vocabularySize < 1) {
            throw new IllegalArgumentException("need M >= 0 extra negatives and a vocabulary of at least 1 item, got M="
                    + extraNegatives + ", |V|=" + vocabularySize);
        }
        return logEstimatedCount
                .exp()
                .add((float) ((double) extraNegatives / vocabularySize))
                .log();
    }
}
