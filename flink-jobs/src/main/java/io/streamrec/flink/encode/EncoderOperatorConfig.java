package io.streamrec.flink.encode;

import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.sdm.SdmEncoder;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the {@link UserVectorEncoderOperator} encodes: which encoder, and how it micro-batches. Every option has a
 * documented default ({@code DEFAULT_*}); {@link Builder#build()} checks them all at once and says what to change,
 * so a built config is valid. The encoder's own settings are not here: every FULL update on {@code model-updates}
 * carries the complete model spec, and the encoder rebuilds the model from it.
 */
public final class EncoderOperatorConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** SDM, the paper's sequential encoder; "sine" for several interests per user. */
    public static final String DEFAULT_ENCODER = SdmEncoder.NAME;
    /** Encoder inference is ~10x faster per user at batch 256 than at batch 1 on this machine (PLATFORM.md). */
    public static final int DEFAULT_MAX_BATCH_RECORDS = 256;
    /** The most a snapshot waits for its batch to fill; small beside the ~1 s event-to-vector target. */
    public static final Duration DEFAULT_MAX_BATCH_DELAY = Duration.ofMillis(20);
    /**
     * Snapshots kept per subtask while no model is held (cold start, or after a restore until the trainer's FULL
     * arrives). Beyond it only each user's latest snapshot is kept (the topic is compacted by user, so older ones
     * would be overwritten anyway); if even the distinct users exceed it, the users not seen for longest are dropped
     * and get a vector at their next event. About 1-2 KB per snapshot, so the default bounds it to some 100-200 MB.
     */
    public static final int DEFAULT_MAX_PENDING_SNAPSHOTS = 100_000;
    /**
     * Item ids a vector carries as the user's recent items (newest first, no repeats): what a server excludes when
     * asked not to recommend seen items. The session (up to 50 items) and the long-term items (up to 50) fit.
     */
    public static final int DEFAULT_MAX_RECENT_ITEMS = 100;
    /**
     * The most a snapshot should spend in the encoder, waiting for its batch plus being encoded: the batch deadline
     * is set from the arrival rate and the measured encode cost to stay within it ({@link BatchDeadline}).
     */
    public static final Duration DEFAULT_LATENCY_BUDGET = Duration.ofMillis(25);
    /**
     * Users whose long-term branch (SDM's e_u and p^u) is kept per subtask, so that an event whose long-term history
     * did not change encodes only its session; about 600 bytes each at D=64.
     */
    public static final int DEFAULT_LONG_TERM_CACHE_USERS = 50_000;

    private final String encoderName;
    private final int maxBatchRecords;
    private final Duration maxBatchDelay;
    private final int maxPendingSnapshots;
    private final int maxRecentItems;
    private final Duration latencyBudget;
    private final int longTermCacheUsers;

    private EncoderOperatorConfig(Builder b) {
        this.encoderName = b.encoderName;
        this.maxBatchRecords = b.maxBatchRecords;
        this.maxBatchDelay = b.maxBatchDelay;
        this.maxPendingSnapshots = b.maxPendingSnapshots;
        this.maxRecentItems = b.maxRecentItems;
        this.latencyBudget = b.latencyBudget;
        this.longTermCacheUsers = b.longTermCacheUsers;
    }

    public static EncoderOperatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The encoder to run, as {@link Encoders#names()} and {@code ModelUpdate.modelName} spell it. Default {@value #DEFAULT_ENCODER}. */
    public String encoderName() {
        return encoderName;
    }

    /** A batch is encoded once it holds this many snapshots. Default {@value #DEFAULT_MAX_BATCH_RECORDS}. */
    public int maxBatchRecords() {
        return maxBatchRecords;
    }

    /**
     * ... or once its first snapshot has waited its deadline, which the {@link #latencyBudget()} sets from the arrival
     * rate and never above this (processing time). Default 20 ms.
     */
    public Duration maxBatchDelay() {
        return maxBatchDelay;
    }

    /** Bound of the snapshots kept while no model is held. Default {@value #DEFAULT_MAX_PENDING_SNAPSHOTS}. */
    public int maxPendingSnapshots() {
        return maxPendingSnapshots;
    }

    /** Most recent item ids a vector carries. Default {@value #DEFAULT_MAX_RECENT_ITEMS}. */
    public int maxRecentItems() {
        return maxRecentItems;
    }

    /** The most a snapshot should spend in the encoder, waiting plus encoding. Default 25 ms. */
    public Duration latencyBudget() {
        return latencyBudget;
    }

    /** Users whose long-term branch is cached per subtask; 0 turns the cache off. Default {@value #DEFAULT_LONG_TERM_CACHE_USERS}. */
    public int longTermCacheUsers() {
        return longTermCacheUsers;
    }

    @Override
    public String toString() {
        return "EncoderOperatorConfig{encoder=" + encoderName + ", maxBatchRecords=" + maxBatchRecords
                + ", maxBatchDelay=" + maxBatchDelay + ", maxPendingSnapshots=" + maxPendingSnapshots
                + ", maxRecentItems=" + maxRecentItems + ", latencyBudget=" + latencyBudget
                + ", longTermCacheUsers=" + longTermCacheUsers + "}";
    }

    /** Builds an {@link EncoderOperatorConfig}; unset options keep their documented defaults. */
    public static final class Builder {
        private String encoderName = DEFAULT_ENCODER;
        private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
        private Duration maxBatchDelay = DEFAULT_MAX_BATCH_DELAY;
        private int maxPendingSnapshots = DEFAULT_MAX_PENDING_SNAPSHOTS;
        private int maxRecentItems = DEFAULT_MAX_RECENT_ITEMS;
        private Duration latencyBudget = DEFAULT_LATENCY_BUDGET;
        private int longTermCacheUsers = DEFAULT_LONG_TERM_CACHE_USERS;

        private Builder() {}

        public Builder latencyBudget(Duration budget) {
            this.latencyBudget = Objects.requireNonNull(budget, "latencyBudget");
            return this;
        }

        public Builder longTermCacheUsers(int users) {
            this.longTermCacheUsers = users;
            return this;
        }

        public Builder encoder(String name) {
            this.encoderName = Objects.requireNonNull(name, "encoder name");
            return this;
        }

        public Builder maxBatchRecords(int records) {
            this.maxBatchRecords = records;
            return this;
        }

        public Builder maxBatchDelay(Duration delay) {
            this.maxBatchDelay = Objects.requireNonNull(delay, "maxBatchDelay");
            return this;
        }

        public Builder maxPendingSnapshots(int snapshots) {
            this.maxPendingSnapshots = snapshots;
            return this;
        }

        public Builder maxRecentItems(int items) {
            this.maxRecentItems = items;
            return this;
        }

        /**
         * Checks every option and reports all problems in one message.
         *
         * @throws IllegalArgumentException naming each bad option, its value and what to set instead
         */
        public EncoderOperatorConfig build() {
            List<String> problems = new ArrayList<>();
            if (maxBatchRecords < 1) {
                problems.add(
                        "maxBatchRecords must be at least 1 (1 encodes every snapshot alone), got " + maxBatchRecords);
            }
            if (maxBatchDelay.isNegative() || maxBatchDelay.isZero()) {
                problems.add(
                        "maxBatchDelay must be positive (e.g. 20 ms; set maxBatchRecords to 1 for no batching), got "
                                + maxBatchDelay);
            }
            if (latencyBudget.isNegative()) {
                problems.add("latencyBudget must not be negative (0 encodes every snapshot on arrival), got "
                        + latencyBudget);
            }
            if (longTermCacheUsers < 0) {
                problems.add("longTermCacheUsers must be at least 0 (0 turns the long-term cache off), got "
                        + longTermCacheUsers);
            }
            if (maxPendingSnapshots < maxBatchRecords) {
                problems.add("maxPendingSnapshots must be at least maxBatchRecords (" + maxBatchRecords + "), got "
                        + maxPendingSnapshots);
            }
            if (maxRecentItems < 0) {
                problems.add("maxRecentItems must be >= 0 (0 sends no recent items), got " + maxRecentItems);
            }
            if (!Encoders.names().contains(encoderName)) {
                problems.add("unknown encoder '" + encoderName + "'; choose one of " + Encoders.names());
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(
                        "invalid encoder operator configuration: " + String.join("; ", problems));
            }
            return new EncoderOperatorConfig(this);
        }
    }
}
