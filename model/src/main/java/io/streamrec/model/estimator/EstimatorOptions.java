package io.streamrec.model.estimator;

import io.streamrec.config.Check;
import io.streamrec.config.Option;

/**
 * The options of the {@link StreamingFrequencyEstimator}, declared once; the trainer's settings include them.
 *
 * <p>Choosing them:
 * <ul>
 *   <li>H ({@link #HASH_SLOTS}): the estimate of an item is corrupted when a more popular item shares its slot in
 *       <em>every</em> hash function. With n live items, a slot is shared with probability about 1 − e^(−n/H) per
 *       function, so keep H at several times the number of items that matter. Memory and checkpoint size are
 *       16 bytes per slot per function.</li>
 *   <li>m ({@link #HASH_FUNCTIONS}): the estimate takes the least-collided of m slots, so the chance that all m
 *       collide falls roughly as (n/H)^m. m = 2 already removes most collision error; each extra function costs
 *       one more hash per occurrence.</li>
 *   <li>α ({@link #LEARNING_RATE}): each occurrence moves the item's mean interval by α. The relative noise of the
 *       estimate is about √(α/2) (for Poisson-like arrivals) while a change of popularity is followed within about
 *       ln(10)/α occurrences of the item (to 10 %): small α is accurate but slow to follow drift.</li>
 * </ul>
 */
public final class EstimatorOptions {

    static final int MAX_HASH_SLOTS = 1 << 30;
    static final int MAX_HASH_FUNCTIONS = 16;

    public static final Option<Integer> HASH_SLOTS = Option.key("estimator-hash-slots")
            .intType()
            .defaultValue(1 << 20)
            .withDescription("H, the slots of each of the frequency estimator's arrays: several times the items that"
                    + " matter (2^20 by default, 16 MiB per hash function, in every trainer checkpoint).")
            .withCheck(Check.between(1, MAX_HASH_SLOTS));

    public static final Option<Integer> HASH_FUNCTIONS = Option.key("estimator-hash-functions")
            .intType()
            .defaultValue(2)
            .withDescription("m, the estimator's independent hash functions; an item's estimate takes its least"
                    + " collided slot.")
            .withCheck(Check.between(1, MAX_HASH_FUNCTIONS));

    public static final Option<Double> LEARNING_RATE = Option.key("estimator-learning-rate")
            .doubleType()
            .defaultValue(0.01)
            .withDescription("α, how far each occurrence moves an item's mean interval: about 7 % relative noise,"
                    + " and a change of popularity followed within about 230 occurrences.")
            .withCheck(Check.openUnitInterval());

    private EstimatorOptions() {}
}
