package io.streamrec.model.train;

import io.streamrec.config.Option;
import io.streamrec.config.Settings;
import io.streamrec.model.Feature;
import io.streamrec.model.embed.TableSpec;
import io.streamrec.model.encode.EncoderDimensions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Everything the {@link OnlineTrainer} is built from: the values of {@link TrainerOptions}, read with
 * {@link #get}. A built configuration is valid: {@link Builder#build()} and {@link #fromMap} check every value and
 * report every problem at once. {@link #toMap()} / {@link #fromMap} carry it in {@code ModelUpdate.config} and
 * checkpoints.
 */
public final class TrainerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Settings settings;

    private TrainerConfig(Settings settings) {
        this.settings = settings;
    }

    /** The defaults of every option. */
    public static TrainerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder(Settings.builder());
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(settings.toBuilder());
    }

    /** The value of one of {@link TrainerOptions}. */
    public <T> T get(Option<T> option) {
        return settings.get(option);
    }

    /** The values given (defaults not included). */
    public Settings settings() {
        return settings;
    }

    /** The sizes the encoder is built for. */
    public EncoderDimensions encoderDimensions() {
        int[] featureDims = get(TrainerOptions.FEATURE_DIMS).stream()
                .mapToInt(Integer::intValue)
                .toArray();
        return new EncoderDimensions(
                featureDims,
                get(TrainerOptions.PROFILE_FEATURES).size() * get(TrainerOptions.PROFILE_DIM),
                get(TrainerOptions.OUTPUT_DIM));
    }

    /** One table spec per item {@link Feature}, in declaration order. */
    public List<TableSpec> itemFeatureTables() {
        List<TableSpec> specs = new ArrayList<>();
        for (Feature f : Feature.values()) {
            specs.add(new TableSpec(f.wireName(), vocabularyCapacity(f), featureDim(f)));
        }
        return specs;
    }

    /** One table spec per profile feature. */
    public List<TableSpec> profileTables() {
        int capacity = get(TrainerOptions.PROFILE_CAPACITY);
        int dim = get(TrainerOptions.PROFILE_DIM);
        return get(TrainerOptions.PROFILE_FEATURES).stream()
                .map(name -> new TableSpec(name, capacity, dim))
                .toList();
    }

    public int featureDim(Feature f) {
        return get(TrainerOptions.FEATURE_DIMS).get(f.ordinal());
    }

    public int vocabularyCapacity(Feature f) {
        return get(TrainerOptions.VOCABULARY_CAPACITIES).get(f.ordinal());
    }

    /**
     * Every setting as text, defaults included, keyed by option key: the complete record a checkpoint and a FULL
     * update carry, so that a later build's defaults cannot change a restored model. {@link #fromMap} reads it back.
     */
    public Map<String, String> toMap() {
        return Collections.unmodifiableMap(TrainerOptions.TABLE.allValues(settings));
    }

    /**
     * Reads a configuration from {@link #toMap()}'s form; absent keys take their defaults.
     *
     * @throws io.streamrec.config.InvalidConfigException listing every unknown key and bad value
     */
    public static TrainerConfig fromMap(Map<String, String> map) {
        return new TrainerConfig(TrainerOptions.TABLE.parse(map));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainerConfig other && other.settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return settings.hashCode();
    }

    @Override
    public String toString() {
        return "TrainerConfig" + settings;
    }

    /** Sets options; unset ones keep the defaults {@link TrainerOptions} declares. */
    public static final class Builder {
        private final Settings.Builder settings;

        private Builder(Settings.Builder settings) {
            this.settings = settings;
        }

        public <T> Builder set(Option<T> option, T value) {
            settings.set(option, value);
            return this;
        }

        /** Every value {@code other} holds. */
        public Builder setAll(Settings other) {
            settings.setAll(other);
            return this;
        }

        /** The same vocabulary capacity for every item feature. */
        public Builder vocabularyCapacity(int capacity) {
            return set(TrainerOptions.VOCABULARY_CAPACITIES, Collections.nCopies(Feature.COUNT, capacity));
        }

        /**
         * Checks every value and the rules between them.
         *
         * @throws io.streamrec.config.InvalidConfigException listing every problem
         */
        public TrainerConfig build() {
            return new TrainerConfig(TrainerOptions.TABLE.check(settings.build()));
        }
    }
}
