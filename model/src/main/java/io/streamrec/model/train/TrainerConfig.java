package io.streamrec.model.train;

import io.streamrec.model.Feature;
import io.streamrec.model.embed.TableSpec;
import io.streamrec.model.encode.EncoderDimensions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything the {@link OnlineTrainer} is built from. Build with {@link #builder()}; every setting has
 * a default and {@link Builder#build()} rejects inconsistent values with a message saying what to
 * change. {@link #toMap()} / {@link #fromMap} carry it in {@code ModelUpdate.config} and checkpoints.
 */
public final class TrainerConfig {

    private final int[] featureDims;
    private final int outputDim;
    private final List<String> profileFeatures;
    private final int profileDim;
    private final boolean itemTowerMlp;
    private final int[] itemTowerHidden;
    private final float temperature;
    private final float denseLearningRate;
    private final float sparseLearningRate;
    private final int batchSize;
    private final int[] vocabularyCapacities;
    private final int profileCapacity;
    private final int maxSessionLength;
    private final int maxLongTermLength;
    private final int estimatorHashSize;
    private final int estimatorHashes;
    private final float estimatorLearningRate;
    private final boolean logQCorrection;
    private final int mixedNegatives;
    private final float embeddingInitStd;
    private final long seed;

    private TrainerConfig(Builder b) {
        this.featureDims = b.featureDims.clone();
        this.outputDim = b.outputDim;
        this.profileFeatures = List.copyOf(b.profileFeatures);
        this.profileDim = b.profileDim;
        this.itemTowerMlp = b.itemTowerMlp;
        this.itemTowerHidden = b.itemTowerHidden.clone();
        this.temperature = b.temperature;
        this.denseLearningRate = b.denseLearningRate;
        this.sparseLearningRate = b.sparseLearningRate;
        this.batchSize = b.batchSize;
        this.vocabularyCapacities = b.vocabularyCapacities.clone();
        this.profileCapacity = b.profileCapacity;
        this.maxSessionLength = b.maxSessionLength;
        this.maxLongTermLength = b.maxLongTermLength;
        this.estimatorHashSize = b.estimatorHashSize;
        this.estimatorHashes = b.estimatorHashes;
        this.estimatorLearningRate = b.estimatorLearningRate;
        this.logQCorrection = b.logQCorrection;
        this.mixedNegatives = b.mixedNegatives;
        this.embeddingInitStd = b.embeddingInitStd;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return fromMap(toMap(), new Builder());
    }

    /** The sizes the encoder is built for. */
    public EncoderDimensions encoderDimensions() {
        return new EncoderDimensions(featureDims, profileFeatures.size() * profileDim, outputDim);
    }

    /** One table spec per item {@link Feature}, in declaration order. */
    public List<TableSpec> itemFeatureTables() {
        List<TableSpec> specs = new ArrayList<>();
        for (Feature f : Feature.values()) {
            specs.add(new TableSpec(f.wireName(), vocabularyCapacities[f.ordinal()], featureDims[f.ordinal()]));
        }
        return specs;
    }

    /** One table spec per profile feature. */
    public List<TableSpec> profileTables() {
        return profileFeatures.stream()
                .map(name -> new TableSpec(name, profileCapacity, profileDim))
                .collect(Collectors.toList());
    }

    public int featureDim(Feature f) {
        return featureDims[f.ordinal()];
    }

    public int outputDim() {
        return outputDim;
    }

    public List<String> profileFeatures() {
        return profileFeatures;
    }

    public boolean itemTowerMlp() {
        return itemTowerMlp;
    }

    public int[] itemTowerHidden() {
        return itemTowerHidden.clone();
    }

    public float temperature() {
        return temperature;
    }

    public float denseLearningRate() {
        return denseLearningRate;
    }

    public float sparseLearningRate() {
        return sparseLearningRate;
    }

    public int batchSize() {
        return batchSize;
    }

    public int vocabularyCapacity(Feature f) {
        return vocabularyCapacities[f.ordinal()];
    }

    public int maxSessionLength() {
        return maxSessionLength;
    }

    public int maxLongTermLength() {
        return maxLongTermLength;
    }

    public int estimatorHashSize() {
        return estimatorHashSize;
    }

    public int estimatorHashes() {
        return estimatorHashes;
    }

    public float estimatorLearningRate() {
        return estimatorLearningRate;
    }

    public boolean logQCorrection() {
        return logQCorrection;
    }

    public int mixedNegatives() {
        return mixedNegatives;
    }

    public float embeddingInitStd() {
        return embeddingInitStd;
    }

    public long seed() {
        return seed;
    }

    /** Every setting as strings, keyed by the builder method's name. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("featureDims", join(featureDims));
        map.put("outputDim", Integer.toString(outputDim));
        map.put("profileFeatures", String.join(",", profileFeatures));
        map.put("profileDim", Integer.toString(profileDim));
        map.put("itemTowerMlp", Boolean.toString(itemTowerMlp));
        map.put("itemTowerHidden", join(itemTowerHidden));
        map.put("temperature", Float.toString(temperature));
        map.put("denseLearningRate", Float.toString(denseLearningRate));
        map.put("sparseLearningRate", Float.toString(sparseLearningRate));
        map.put("batchSize", Integer.toString(batchSize));
        map.put("vocabularyCapacities", join(vocabularyCapacities));
        map.put("profileCapacity", Integer.toString(profileCapacity));
        map.put("maxSessionLength", Integer.toString(maxSessionLength));
        map.put("maxLongTermLength", Integer.toString(maxLongTermLength));
        map.put("estimatorHashSize", Integer.toString(estimatorHashSize));
        map.put("estimatorHashes", Integer.toString(estimatorHashes));
        map.put("estimatorLearningRate", Float.toString(estimatorLearningRate));
        map.put("logQCorrection", Boolean.toString(logQCorrection));
        map.put("mixedNegatives", Integer.toString(mixedNegatives));
        map.put("embeddingInitStd", Float.toString(embeddingInitStd));
        map.put("seed", Long.toString(seed));
        return map;
    }

    /** Rebuilds a configuration from {@link #toMap()}; keys it does not know are rejected. */
    public static TrainerConfig fromMap(Map<String, String> map) {
        return fromMap(map, new Builder()).build();
    }

    private static Builder fromMap(Map<String, String> map, Builder b) {
        for (Map.Entry<String, String> e : map.entrySet()) {
            String v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "featureDims" -> b.featureDims(ints(v));
                    case "outputDim" -> b.outputDim(Integer.parseInt(v));
                    case "profileFeatures" -> b.profileFeatures(v.isEmpty() ? List.of() : List.of(v.split(",")));
                    case "profileDim" -> b.profileDim(Integer.parseInt(v));
                    case "itemTowerMlp" -> b.itemTowerMlp(Boolean.parseBoolean(v));
                    case "itemTowerHidden" -> b.itemTowerHidden(ints(v));
                    case "temperature" -> b.temperature(Float.parseFloat(v));
                    case "denseLearningRate" -> b.denseLearningRate(Float.parseFloat(v));
                    case "sparseLearningRate" -> b.sparseLearningRate(Float.parseFloat(v));
                    case "batchSize" -> b.batchSize(Integer.parseInt(v));
                    case "vocabularyCapacities" -> b.vocabularyCapacities(ints(v));
                    case "profileCapacity" -> b.profileCapacity(Integer.parseInt(v));
                    case "maxSessionLength" -> b.maxSessionLength(Integer.parseInt(v));
                    case "maxLongTermLength" -> b.maxLongTermLength(Integer.parseInt(v));
                    case "estimatorHashSize" -> b.estimatorHashSize(Integer.parseInt(v));
                    case "estimatorHashes" -> b.estimatorHashes(Integer.parseInt(v));
                    case "estimatorLearningRate" -> b.estimatorLearningRate(Float.parseFloat(v));
                    case "logQCorrection" -> b.logQCorrection(Boolean.parseBoolean(v));
                    case "mixedNegatives" -> b.mixedNegatives(Integer.parseInt(v));
                    case "embeddingInitStd" -> b.embeddingInitStd(Float.parseFloat(v));
                    case "seed" -> b.seed(Long.parseLong(v));
                    default ->
                        throw new IllegalArgumentException(
                                "unknown trainer setting '" + e.getKey() + "'; known settings: "
                                        + new Builder().build().toMap().keySet());
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(
                        "trainer setting " + e.getKey() + "='" + v + "' is not a valid number", ex);
            }
        }
        return b;
    }

    private static String join(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    private static int[] ints(String csv) {
        return csv.isBlank()
                ? new int[0]
                : Arrays.stream(csv.split(","))
                        .map(String::trim)
                        .mapToInt(Integer::parseInt)
                        .toArray();
    }

    @Override
    public String toString() {
        return "TrainerConfig" + toMap();
    }

    /** Builder with the defaults documented on each setter. */
    public static final class Builder {
        private int[] featureDims = {32, 16, 8, 4, 4};
        private int outputDim = 64;
        private List<String> profileFeatures = List.of();
        private int profileDim = 8;
        private boolean itemTowerMlp = false;
        private int[] itemTowerHidden = {};
        private float temperature = 0.1f;
        private float denseLearningRate = 1e-3f;
        private float sparseLearningRate = 5e-3f;
        private int batchSize = 256;
        private int[] vocabularyCapacities = {1_000_000, 100_000, 10_000, 200_000, 200_000};
        private int profileCapacity = 10_000;
        private int maxSessionLength = 50;
        private int maxLongTermLength = 50;
        private int estimatorHashSize = 1 << 20;
        private int estimatorHashes = 2;
        private float estimatorLearningRate = 0.01f;
        private boolean logQCorrection = true;
        private int mixedNegatives = 0;
        private float embeddingInitStd = 0.1f;
        private long seed = 42L;

        private Builder() {}

        /** Embedding width per item {@link Feature} in declaration order (default 32,16,8,4,4: D_item = 64). */
        public Builder featureDims(int... dims) {
            this.featureDims = dims.clone();
            return this;
        }

        /** D, the width of user and item vectors (default 64). */
        public Builder outputDim(int dim) {
            this.outputDim = dim;
            return this;
        }

        /** Names of the categorical profile features that make up e_u (default none). */
        public Builder profileFeatures(List<String> names) {
            this.profileFeatures = List.copyOf(names);
            return this;
        }

        /** Embedding width of each profile feature (default 8). */
        public Builder profileDim(int dim) {
            this.profileDim = dim;
            return this;
        }

        /** Whether the item tower has an MLP after e_i (default false: v_i = e_i, needs D_item = D). */
        public Builder itemTowerMlp(boolean enabled) {
            this.itemTowerMlp = enabled;
            return this;
        }

        /** Hidden ReLU widths of the item-tower MLP (default none: a single linear map to D). */
        public Builder itemTowerHidden(int... widths) {
            this.itemTowerHidden = widths.clone();
            return this;
        }

        /** τ of s(i,j) = ⟨u_i, v_j⟩/τ (default 0.1). */
        public Builder temperature(float tau) {
            this.temperature = tau;
            return this;
        }

        /** Adam learning rate of the encoder and item-tower parameters (default 1e-3). */
        public Builder denseLearningRate(float rate) {
            this.denseLearningRate = rate;
            return this;
        }

        /** Row-sparse Adam learning rate of the embedding tables (default 5e-3). */
        public Builder sparseLearningRate(float rate) {
            this.sparseLearningRate = rate;
            return this;
        }

        /** Examples per training step that the streaming operator collects (default 256). */
        public Builder batchSize(int size) {
            this.batchSize = size;
            return this;
        }

        /** Vocabulary capacity per item {@link Feature} (default 1M items, 100k leaf categories, 10k categories, 200k shops, 200k brands). */
        public Builder vocabularyCapacities(int... capacities) {
            this.vocabularyCapacities = capacities.clone();
            return this;
        }

        /** Shorthand: the same capacity for every item feature. */
        public Builder vocabularyCapacity(int capacity) {
            this.vocabularyCapacities = new int[Feature.COUNT];
            Arrays.fill(vocabularyCapacities, capacity);
            return this;
        }

        /** Vocabulary capacity of each profile feature (default 10k). */
        public Builder profileCapacity(int capacity) {
            this.profileCapacity = capacity;
            return this;
        }

        /** Most recent session items fed to the encoder (default 50). */
        public Builder maxSessionLength(int length) {
            this.maxSessionLength = length;
            return this;
        }

        /** Most recent long-term ids per feature fed to the encoder (default 50). */
        public Builder maxLongTermLength(int length) {
            this.maxLongTermLength = length;
            return this;
        }

        /** H, the size of each of the estimator's arrays (default 2^20). */
        public Builder estimatorHashSize(int size) {
            this.estimatorHashSize = size;
            return this;
        }

        /** m, the estimator's number of independent hash functions (default 2). */
        public Builder estimatorHashes(int count) {
            this.estimatorHashes = count;
            return this;
        }

        /** α, the estimator's learning rate (default 0.01). */
        public Builder estimatorLearningRate(float alpha) {
            this.estimatorLearningRate = alpha;
            return this;
        }

        /** Whether logits are corrected by −log p̂ (default true). */
        public Builder logQCorrection(boolean enabled) {
            this.logQCorrection = enabled;
            return this;
        }

        /** M, extra negatives drawn uniformly from the item vocabulary per step (default 0). */
        public Builder mixedNegatives(int count) {
            this.mixedNegatives = count;
            return this;
        }

        /** Standard deviation of new embedding rows (default 0.1). */
        public Builder embeddingInitStd(float std) {
            this.embeddingInitStd = std;
            return this;
        }

        /** Seed of initialisation and negative sampling (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public TrainerConfig build() {
            require(
                    featureDims.length == Feature.COUNT,
                    "featureDims needs " + Feature.COUNT + " widths (item, leafCategory, category, shop, brand), got "
                            + Arrays.toString(featureDims));
            require(
                    Arrays.stream(featureDims).allMatch(d -> d > 0),
                    "every featureDims width must be positive, got " + Arrays.toString(featureDims));
            require(outputDim > 0, "outputDim must be positive, got " + outputDim);
            require(profileDim > 0, "profileDim must be positive, got " + profileDim);
            int itemInputDim = Arrays.stream(featureDims).sum();
            require(
                    itemTowerMlp || itemInputDim == outputDim,
                    "without an item-tower MLP the feature widths must sum to outputDim (" + itemInputDim + " != "
                            + outputDim + "); set itemTowerMlp(true) or change featureDims/outputDim");
            require(Arrays.stream(itemTowerHidden).allMatch(d -> d > 0), "itemTowerHidden widths must be positive");
            require(temperature > 0 && Float.isFinite(temperature), "temperature must be > 0, got " + temperature);
            require(
                    denseLearningRate > 0 && sparseLearningRate > 0,
                    "learning rates must be > 0, got dense=" + denseLearningRate + " sparse=" + sparseLearningRate);
            require(batchSize > 0, "batchSize must be positive, got " + batchSize);
            require(
                    vocabularyCapacities.length == Feature.COUNT
                            && Arrays.stream(vocabularyCapacities).allMatch(c -> c > 0),
                    "vocabularyCapacities needs " + Feature.COUNT + " positive capacities, got "
                            + Arrays.toString(vocabularyCapacities));
            require(profileCapacity > 0, "profileCapacity must be positive");
            require(
                    maxSessionLength > 0 && maxLongTermLength > 0,
                    "maxSessionLength and maxLongTermLength must be positive");
            require(
                    estimatorHashSize > 0 && estimatorHashes > 0,
                    "estimatorHashSize and estimatorHashes must be positive");
            require(
                    estimatorLearningRate > 0 && estimatorLearningRate < 1,
                    "estimatorLearningRate must be in (0,1), got " + estimatorLearningRate);
            require(mixedNegatives >= 0, "mixedNegatives must be >= 0, got " + mixedNegatives);
            require(embeddingInitStd > 0, "embeddingInitStd must be > 0");
            for (String name : profileFeatures) {
                require(
                        !name.isBlank() && !name.contains(","),
                        "profile feature names must be non-blank and free of commas, got '" + name + "'");
                for (Feature f : Feature.values()) {
                    require(
                            !f.wireName().equals(name),
                            "profile feature '" + name + "' clashes with the item feature of that name; rename it");
                }
            }
            require(
                    profileFeatures.stream().distinct().count() == profileFeatures.size(),
                    "profile feature names repeat: " + profileFeatures);
            return new TrainerConfig(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("invalid trainer configuration: " + message);
            }
        }
    }
}
