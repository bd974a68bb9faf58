package io.streamrec.model.estimator;

/**
 * Sizes and rate of a {@link StreamingFrequencyEstimator}, checked against {@link EstimatorOptions} (which says how
 * to choose them) on construction.
 *
 * @param hashSlots     H, slots per hash function
 * @param hashFunctions m, independent hash functions
 * @param learningRate  α
 * @param seed          seed of the hash family; it is part of the serialised state, so a restored estimator hashes
 *                      exactly as the original did
 */
public record FrequencyEstimatorConfig(int hashSlots, int hashFunctions, double learningRate, long seed) {

    /** Default hash-family seed. */
    public static final long DEFAULT_SEED = 0x5EEDL;

    public FrequencyEstimatorConfig {
        EstimatorOptions.HASH_SLOTS.require(hashSlots);
        EstimatorOptions.HASH_FUNCTIONS.require(hashFunctions);
        EstimatorOptions.LEARNING_RATE.require(learningRate);
    }

    /** The defaults of {@link EstimatorOptions}. */
    public static FrequencyEstimatorConfig defaults() {
        return new FrequencyEstimatorConfig(
                EstimatorOptions.HASH_SLOTS.defaultValue(),
                EstimatorOptions.HASH_FUNCTIONS.defaultValue(),
                EstimatorOptions.LEARNING_RATE.defaultValue(),
                DEFAULT_SEED);
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
