package io.streamrec.model.train;

import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.OptionType;
import io.streamrec.model.Feature;
import io.streamrec.model.estimator.EstimatorOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The settings of the {@link OnlineTrainer}, declared once: model sizes, optimiser, loss, vocabularies and the
 * frequency estimator. {@link TrainerConfig} holds their values; the streaming job takes them as
 * {@code --trainer-setting KEY=VALUE} and offline evaluation as {@code --setting KEY=VALUE}.
 */
public final class TrainerOptions {

    public static final Option<List<Integer>> FEATURE_DIMS = Option.key("feature-dims")
            .type(OptionType.INT_LIST)
            .defaultValue(List.of(32, 16, 8, 4, 4))
            .withDescription("Embedding width of each item feature (item, leaf category, category, shop, brand);"
                    + " the item's input embedding is their concat, D_item = their sum.")
            .withCheck(Check.of(
                    dims -> dims.size() == Feature.COUNT && dims.stream().allMatch(d -> d > 0),
                    "give " + Feature.COUNT + " positive widths, one per item feature"));

    public static final Option<Integer> OUTPUT_DIM = Option.key("output-dim")
            .intType()
            .defaultValue(64)
            .withDescription("D, the width of user and item vectors.")
            .withCheck(Check.atLeast(1));

    public static final Option<List<String>> PROFILE_FEATURES = Option.key("profile-features")
            .type(OptionType.STRING_LIST)
            .defaultValue(List.of())
            .withDescription("Names of the categorical profile features whose embeddings make up e_u.")
            .withCheck(Check.of(
                    names -> names.stream().noneMatch(String::isBlank) && new HashSet<>(names).size() == names.size(),
                    "give distinct, non-blank names"))
            .withCheck(Check.of(
                    names -> names.stream().noneMatch(TrainerOptions::isItemFeature),
                    "rename the profile features named like an item feature (item, leafCategory, category, shop,"
                            + " brand)"));

    public static final Option<Integer> PROFILE_DIM = Option.key("profile-dim")
            .intType()
            .defaultValue(8)
            .withDescription("Embedding width of each profile feature.")
            .withCheck(Check.atLeast(1));

    public static final Option<Boolean> ITEM_TOWER_MLP = Option.key("item-tower-mlp")
            .booleanType()
            .defaultValue(false)
            .withDescription("An MLP after the item's input embedding (off: v_i = e_i, which needs D_item = D).");

    public static final Option<List<Integer>> ITEM_TOWER_HIDDEN = Option.key("item-tower-hidden")
            .type(OptionType.INT_LIST)
            .defaultValue(List.of())
            .withDescription("Hidden ReLU widths of the item-tower MLP (none: one linear map to D).")
            .withCheck(Check.of(widths -> widths.stream().allMatch(w -> w > 0), "give positive widths"));

    public static final Option<Double> TEMPERATURE = Option.key("temperature")
            .doubleType()
            .defaultValue(0.2)
            .withDescription("τ of the score s(i,j) = ⟨u_i, v_j⟩ / τ.")
            .withCheck(Check.positiveNumber());

    public static final Option<Double> DENSE_LEARNING_RATE = Option.key("dense-learning-rate")
            .doubleType()
            .defaultValue(0.01)
            .withDescription("Adam learning rate of the encoder and item-tower parameters.")
            .withCheck(Check.positiveNumber());

    public static final Option<Double> SPARSE_LEARNING_RATE = Option.key("sparse-learning-rate")
            .doubleType()
            .defaultValue(0.05)
            .withDescription("Row-sparse Adam learning rate of the embedding tables (only the rows in a batch move): a"
                    + " rare item's row is updated a few times in a stream, so a small rate leaves it near its random"
                    + " start.")
            .withCheck(Check.positiveNumber());

    public static final Option<Integer> BATCH_SIZE = Option.key("batch-size")
            .intType()
            .defaultValue(256)
            .withDescription("B, examples per training step.")
            .withCheck(Check.atLeast(1));

    public static final Option<List<Integer>> VOCABULARY_CAPACITIES = Option.key("vocabulary-capacities")
            .type(OptionType.INT_LIST)
            .defaultValue(List.of(1_000_000, 100_000, 10_000, 200_000, 200_000))
            .withDescription("Ids each item feature's vocabulary holds (item, leaf category, category, shop, brand);"
                    + " past it the coldest row is evicted.")
            .withCheck(Check.of(
                    capacities -> capacities.size() == Feature.COUNT
                            && capacities.stream().allMatch(c -> c > 0),
                    "give " + Feature.COUNT + " positive capacities, one per item feature"));

    public static final Option<Integer> PROFILE_CAPACITY = Option.key("profile-capacity")
            .intType()
            .defaultValue(10_000)
            .withDescription("Ids each profile feature's vocabulary holds.")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> MAX_SESSION_LENGTH = Option.key("max-session-length")
            .intType()
            .defaultValue(50)
            .withDescription("Most recent session items the encoder reads.")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> MAX_LONG_TERM_LENGTH = Option.key("max-long-term-length")
            .intType()
            .defaultValue(50)
            .withDescription("Most recent long-term ids per feature the encoder reads.")
            .withCheck(Check.atLeast(1));

    public static final Option<Boolean> LOGQ_CORRECTION = Option.key("logq-correction")
            .booleanType()
            .defaultValue(true)
            .withDescription("Correct each logit by −log p̂ of its item, p̂ from the streaming frequency estimator.");

    public static final Option<Integer> MIXED_NEGATIVES = Option.key("mixed-negatives")
            .intType()
            .defaultValue(0)
            .withDescription("M, extra negatives drawn uniformly from the item vocabulary per step, each with its"
                    + " own log-probability correction.")
            .withCheck(Check.atLeast(0));

    public static final Option<Double> EMBEDDING_INIT_STD = Option.key("embedding-init-std")
            .doubleType()
            .defaultValue(0.1)
            .withDescription("Standard deviation of new embedding rows.")
            .withCheck(Check.positiveNumber());

    public static final Option<Long> SEED = Option.key("seed")
            .longType()
            .defaultValue(42L)
            .withDescription("Seed of initialisation, negative sampling and the estimator's hashes.");

    public static final Option<Boolean> EXCLUDE_SEEN = Option.key("exclude-seen")
            .booleanType()
            .defaultValue(true)
            .withDescription("Leave the items a user has already taken out of rankings and out of that user's"
                    + " negatives (data without repeat consumption); false lets them be recommended again and learns"
                    + " a repeat score by recency. Training, evaluation and ranking use it alike.");

    public static final Option<Double> POPULARITY_PRIOR = Option.key("popularity-prior")
            .doubleType()
            .defaultValue(1.0)
            .withDescription("β: retrieval adds β·log p̂_j (the frequency estimator's) to item j's logit; the logQ"
                    + " correction is training-only, so 1 ranks by the estimated full softmax, 0 by the model alone.")
            .withCheck(Check.of(b -> b >= 0 && Double.isFinite(b), "set it to a finite number, 0 or more"));

    public static final Option<Integer> RECENT_NEGATIVES = Option.key("recent-negatives")
            .intType()
            .defaultValue(256)
            .withDescription("R, extra negatives per step drawn from recent training targets (cross-batch"
                    + " negatives): a time-ordered batch holds few users, whose other targets are masked, so"
                    + " in-batch negatives alone are few.")
            .withCheck(Check.atLeast(0));

    public static final Option<Boolean> MASK_SAME_USER = Option.key("mask-same-user")
            .booleanType()
            .defaultValue(true)
            .withDescription("Keep a user's other targets in the batch out of that user's negatives.");

    public static final OptionTable TABLE = OptionTable.builder("trainer settings")
            .section(
                    "Model",
                    FEATURE_DIMS,
                    OUTPUT_DIM,
                    PROFILE_FEATURES,
                    PROFILE_DIM,
                    ITEM_TOWER_MLP,
                    ITEM_TOWER_HIDDEN,
                    MAX_SESSION_LENGTH,
                    MAX_LONG_TERM_LENGTH)
            .section(
                    "Training",
                    BATCH_SIZE,
                    TEMPERATURE,
                    DENSE_LEARNING_RATE,
                    SPARSE_LEARNING_RATE,
                    LOGQ_CORRECTION,
                    MIXED_NEGATIVES,
                    RECENT_NEGATIVES,
                    MASK_SAME_USER,
                    EMBEDDING_INIT_STD,
                    SEED)
            .section("Retrieval", EXCLUDE_SEEN, POPULARITY_PRIOR)
            .section("Vocabularies", VOCABULARY_CAPACITIES, PROFILE_CAPACITY)
            .section(
                    "Frequency estimator",
                    EstimatorOptions.HASH_SLOTS,
                    EstimatorOptions.HASH_FUNCTIONS,
                    EstimatorOptions.LEARNING_RATE)
            .crossCheck((settings, problems) -> {
                List<Integer> dims = settings.get(FEATURE_DIMS);
                int itemInputDim = dims.stream().mapToInt(Integer::intValue).sum();
                if (!settings.get(ITEM_TOWER_MLP) && itemInputDim != settings.get(OUTPUT_DIM)) {
                    problems.add("without an item-tower MLP the widths of " + problems.name(FEATURE_DIMS) + " must sum"
                            + " to " + problems.name(OUTPUT_DIM) + " (" + itemInputDim + " != "
                            + settings.get(OUTPUT_DIM) + "): set " + problems.name(ITEM_TOWER_MLP) + " to true, or"
                            + " change the widths or the output width");
                }
            })
            .build();

    private TrainerOptions() {}

    private static boolean isItemFeature(String name) {
        Set<String> items = new HashSet<>();
        for (Feature f : Feature.values()) {
            items.add(f.wireName());
        }
        return items.contains(name);
    }
}
