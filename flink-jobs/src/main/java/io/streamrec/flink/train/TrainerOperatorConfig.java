package io.streamrec.flink.train;

import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.TrainerConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Settings of the {@link TrainerOperator}: the model (encoder name and settings, {@link TrainerConfig}, whose
 * {@code batchSize} is the training batch) and how the operator runs it. Build with {@link #builder()}; every
 * setting has a documented default and {@link Builder#build()} rejects bad values with a message saying what
 * to change, so a misconfigured job fails when it is built, not hours into a run.
 *
 * <p>Serializable (it travels inside the job graph); the model settings are kept as the flat maps that
 * {@link TrainerConfig#toMap()} and {@link Encoders#factory} use.
 */
public final class TrainerOperatorConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_ENCODER = "sdm";
    public static final Duration DEFAULT_DELTA_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FULL_UPDATE_INTERVAL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_METRIC_WINDOW = 10_000;
    public static final int DEFAULT_POPULARITY_WINDOW = 10_000;
    /** The queue holds this many batches when no capacity is given. */
    public static final int DEFAULT_QUEUED_BATCHES = 4;
    /** The mixing buffer holds this many batches when no capacity is given (4096 examples at batch 256). */
    public static final int DEFAULT_MIXED_BATCHES = 16;

    private final String encoder;
    private final LinkedHashMap<String, String> encoderSettings;
    private final LinkedHashMap<String, String> trainerSettings;
    private final Duration deltaInterval;
    private final Duration fullUpdateInterval;
    private final Duration logInterval;
    private final int maxMessageBytes;
    private final int queueCapacity;
    private final int mixingCapacity;
    private final int metricWindow;
    private final int popularityWindow;
    private final long samplingSeed;

    private TrainerOperatorConfig(Builder b, TrainerConfig trainer) {
        this.encoder = b.encoder;
        this.encoderSettings = new LinkedHashMap<>(b.encoderSettings);
        this.trainerSettings = new LinkedHashMap<>(trainer.toMap());
        this.deltaInterval = b.deltaInterval;
        this.fullUpdateInterval = b.fullUpdateInterval;
        this.logInterval = b.logInterval;
        this.maxMessageBytes = b.maxMessageBytes;
        this.queueCapacity = b.queueCapacity > 0 ? b.queueCapacity : DEFAULT_QUEUED_BATCHES * trainer.batchSize();
        this.mixingCapacity = b.mixingCapacity > 0 ? b.mixingCapacity : DEFAULT_MIXED_BATCHES * trainer.batchSize();
        this.metricWindow = b.metricWindow;
        this.popularityWindow = b.popularityWindow;
        this.samplingSeed = b.samplingSeed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The model kind: a name registered in {@link Encoders} (sdm, sine, meanpool). */
    public String encoder() {
        return encoder;
    }

    /** Builds the configured encoder for given dimensions (settings were validated at {@link Builder#build()}). */
    public Function<EncoderDimensions, UserEncoder> encoderFactory() {
        return Encoders.factory(encoder, encoderSettings);
    }

    public TrainerConfig trainerConfig() {
        return TrainerConfig.fromMap(trainerSettings);
    }

    public int batchSize() {
        return trainerConfig().batchSize();
    }

    public Duration deltaInterval() {
        return deltaInterval;
    }

    public Duration fullUpdateInterval() {
        return fullUpdateInterval;
    }

    public Duration logInterval() {
        return logInterval;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /** Scored examples a training batch is drawn from (see {@link MixingBuffer}); one batch means no mixing. */
    public int mixingCapacity() {
        return mixingCapacity;
    }

    public int metricWindow() {
        return metricWindow;
    }

    public int popularityWindow() {
        return popularityWindow;
    }

    public long samplingSeed() {
        return samplingSeed;
    }

    @Override
    public String toString() {
        return "TrainerOperatorConfig{encoder=" + encoder + ", encoderSettings=" + encoderSettings
                + ", deltaInterval=" + deltaInterval + ", fullUpdateInterval=" + fullUpdateInterval
                + ", maxMessageBytes=" + maxMessageBytes + ", queueCapacity=" + queueCapacity + ", mixingCapacity="
                + mixingCapacity
                + ", metricWindow=" + metricWindow + ", popularityWindow=" + popularityWindow
                + ", trainer=" + trainerSettings + "}";
    }

    /** Builder with the defaults documented on each setter. */
    public static final class Builder {
        private String encoder = DEFAULT_ENCODER;
        private Map<String, String> encoderSettings = Map.of();
        private TrainerConfig trainer = TrainerConfig.builder().build();
        private Duration deltaInterval = DEFAULT_DELTA_INTERVAL;
        private Duration fullUpdateInterval = DEFAULT_FULL_UPDATE_INTERVAL;
        private Duration logInterval = DEFAULT_LOG_INTERVAL;
        private int maxMessageBytes = ModelUpdates.DEFAULT_MAX_MESSAGE_BYTES;
        private int queueCapacity;
        private int mixingCapacity;
        private int metricWindow = DEFAULT_METRIC_WINDOW;
        private int popularityWindow = DEFAULT_POPULARITY_WINDOW;
        private long samplingSeed = 1L;

        private Builder() {}

        /** Encoder (model kind) by its registered name (default {@value #DEFAULT_ENCODER}). */
        public Builder encoder(String name) {
            this.encoder = name;
            return this;
        }

        /** Flat encoder settings such as {@code sdm.attention.heads} (default none: the encoder's defaults). */
        public Builder encoderSettings(Map<String, String> settings) {
            this.encoderSettings = Map.copyOf(settings);
            return this;
        }

        /** Model dimensions, optimiser, estimator and batch size (default {@code TrainerConfig.builder().build()}). */
        public Builder trainer(TrainerConfig config) {
            this.trainer = config;
            return this;
        }

        /** T, how often a DELTA is published (default 10 s). */
        public Builder deltaInterval(Duration interval) {
            this.deltaInterval = interval;
            return this;
        }

        /** N, how often a FULL update is published besides the one at start (default 10 min). */
        public Builder fullUpdateInterval(Duration interval) {
            this.fullUpdateInterval = interval;
            return this;
        }

        /** How often the training figures are logged at INFO (default 10 s). */
        public Builder logInterval(Duration interval) {
            this.logInterval = interval;
            return this;
        }

        /** Largest model-update chunk in bytes, under the topic's {@code max.message.bytes} (default 900 KiB). */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Examples waiting for the training thread before sampling starts (default {@value #DEFAULT_QUEUED_BATCHES} batches). */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * Scored examples each training batch is drawn from at random (default {@value #DEFAULT_MIXED_BATCHES}
         * batches). Time-ordered events come in per-user bursts, and a batch of consecutive examples then holds a
         * few users whose own items are most of the in-batch negatives; mixing over a few thousand examples
         * gives each batch ~100 users on MovieLens. Each example is still scored on arrival and trained exactly
         * once, about this many examples later; the waiting examples are checkpointed. Set it to the batch size
         * to train each scored batch as it arrives.
         */
        public Builder mixingCapacity(int examples) {
            this.mixingCapacity = examples;
            return this;
        }

        /** Examples over which the prequential metrics are averaged (default {@value #DEFAULT_METRIC_WINDOW}). */
        public Builder metricWindow(int examples) {
            this.metricWindow = examples;
            return this;
        }

        /** Most recent targets the popularity baseline counts (default {@value #DEFAULT_POPULARITY_WINDOW}). */
        public Builder popularityWindow(int targets) {
            this.popularityWindow = targets;
            return this;
        }

        /** Seed of the admission sampling when the queue is full (default 1). */
        public Builder samplingSeed(long seed) {
            this.samplingSeed = seed;
            return this;
        }

        public TrainerOperatorConfig build() {
            try {
                Encoders.factory(encoder, encoderSettings);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid trainer operator configuration: " + e.getMessage(), e);
            }
            require(
                    trainer != null,
                    "trainer settings are missing; pass TrainerConfig.builder().build() for the defaults");
            requirePositive(deltaInterval, "deltaInterval");
            requirePositive(fullUpdateInterval, "fullUpdateInterval");
            requirePositive(logInterval, "logInterval");
            require(
                    fullUpdateInterval.compareTo(deltaInterval) >= 0,
                    "fullUpdateInterval (" + fullUpdateInterval + ") must not be shorter than deltaInterval ("
                            + deltaInterval + ")");
            require(
                    maxMessageBytes >= 16 * 1024,
                    "maxMessageBytes must be at least 16 KiB, got " + maxMessageBytes
                            + "; raise it (and the model-updates topic's max.message.bytes)");
            require(
                    queueCapacity == 0 || queueCapacity >= trainer.batchSize(),
                    "queueCapacity (" + queueCapacity + ") must hold at least one batch of " + trainer.batchSize()
                            + "; raise it or leave it unset");
            require(
                    mixingCapacity == 0 || mixingCapacity >= trainer.batchSize(),
                    "mixingCapacity (" + mixingCapacity + ") must hold at least one batch of " + trainer.batchSize()
                            + "; raise it or leave it unset");
            require(metricWindow > 0, "metricWindow must be positive, got " + metricWindow);
            require(popularityWindow > 0, "popularityWindow must be positive, got " + popularityWindow);
            return new TrainerOperatorConfig(this, trainer);
        }

        private static void requirePositive(Duration d, String name) {
            require(d != null && !d.isNegative() && !d.isZero(), name + " must be a positive duration, got " + d);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("invalid trainer operator configuration: " + message);
            }
        }
    }
}
