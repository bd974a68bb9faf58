package io.streamrec.model.estimator;

/**
 * Sizes and rate of a {@link StreamingFrequencyEstimator}, validated on construction.
 *
 * <p>Choosing them:
 * <ul>
 *   <li>{@code hashSlots} H: the estimate of an item is corrupted when a more popular item shares
 *       its slot in <em>every</em> hash function. With n live items, a slot is shared with
 *       probability about 1 − e^(−n/H) per function, so keep H at several times the number of items
 *       that matter. Memory and checkpoint size are 16 bytes per slot per function.</li>
 *   <li>{@code hashFunctions} m: the estimate takes the least-collided of m slots, so the chance that
 *       all m collide falls roughly as (n/H)^m. m = 2 already removes most collision error; each
 *       extra function costs one more hash per occurrence.</li>
 *   <li>{@code learningRate} α: each occurrence moves the item's mean interval by α. The relative
 *       noise of the estimate is about √(α/2) (for Poisson-like arrivals) while a change of
 *       popularity is followed within about ln(10)/α occurrences of the item (to 10 %): small α is
 *       accurate but slow to follow drift.</li>
 *   <li>{@code seed}: seeds the hash family; it is part of the serialised state, so a restored
 *       estimator hashes exactly as the original did.</li>
 * </ul>
 *
 * @param hashSlots     H, slots per hash function, 1 … 2^30
 * @param hashFunctions m, independent hash functions, 1 … 16
 * @param learningRate  α in (0, 1]
 * @param seed          seed of the hash family
 */
public record FrequencyEstimatorConfig(int hashSlots, int hashFunctions, double learningRate, long seed) {

    /** Default H: 2^18 slots, several times a vocabulary of ~50k hot items, 4 MB per function. */
    public static final int DEFAULT_HASH_SLOTS = 1 << 18;
    /** Default m. */
    public static final int DEFAULT_HASH_FUNCTIONS = 2;
    /** Default α: ~7 % relative noise on Poisson arrivals, follows a change within ~230 occurrences. */
    public static final double DEFAULT_LEARNING_RATE = 0.01;
    /** Default hash-family seed. */
    public static final long DEFAULT_SEED = 0x5EEDL;

    static final int MAX_HASH_SLOTS = 1 << 30;
    static final int MAX_HASH_FUNCTIONS = 16;

    public FrequencyEstimatorConfig {
        if (hashSlots < 1 || hashSlots > MAX_HASH_SLOTS) {
            throw new IllegalArgumentException("hashSlots (H) must be in 1.." + MAX_HASH_SLOTS + ", got " + hashSlots
                    + "; use several times the number of distinct items you expect, e.g. " + DEFAULT_HASH_SLOTS);
        }
        if (hashFunctions < 1 || hashFunctions > MAX_HASH_FUNCTIONS) {
            throw new IllegalArgumentException("hashFunctions (m) must be in 1.." + MAX_HASH_FUNCTIONS + ", got "
                    + hashFunctions + "; 2 to 4 is usual");
        }
        if (!(learningRate > 0.0 && learningRate <= 1.0)) {
            throw new IllegalArgumentException("learningRate (alpha) must be in (0, 1], got " + learningRate
                    + "; smaller is more accurate but slower to follow drift, e.g. " + DEFAULT_LEARNING_RATE);
        }
    }

    /** The documented defaults. */
    public static FrequencyEstimatorConfig defaults() {
        return new FrequencyEstimatorConfig(
                DEFAULT_HASH_SLOTS, DEFAULT_HASH_FUNCTIONS, DEFAULT_LEARNING_RATE, DEFAULT_SEED);
    }

    public FrequencyEstimatorConfig withHashSlots(int h) {
        return new FrequencyEstimatorConfig(h, hashFunctions, learningRate, seed);
    }

    public FrequencyEstimatorConfig withHashFunctions(int m) {
        return new FrequencyEstimatorConfig(hashSlots, m, learningRate, seed);
    }

    public FrequencyEstimatorConfig withLearningRate(double alpha) {
        return new FrequencyEstimatorConfig(hashSlots, hashFunctions, alpha, seed);
    }

    public FrequencyEstimatorConfig withSeed(long s) {
        return new FrequencyEstimatorConfig(hashSlots, hashFunctions, learningRate, s);
    }
}
