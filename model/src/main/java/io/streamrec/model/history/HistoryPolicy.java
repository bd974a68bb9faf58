package io.streamrec.model.history;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The rules that shape a user's history (DESIGN §5): when a session ends, how long and how much of the
 * earlier sessions is kept, and how many event ids are remembered for dedup. The streaming operator and
 * offline replay take the same policy, so online and offline features are identical.
 *
 * <p>Immutable; build one with {@link #builder()} (every setting starts at its documented default).
 * {@link Builder#build()} validates every setting and says what to change.
 */
public final class HistoryPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A pause longer than this ends the session (SDM's 10 minutes). */
    public static final Duration DEFAULT_SESSION_GAP = Duration.ofMinutes(10);
    /** A session holding this many items ends before the next one (SDM's 50). */
    public static final int DEFAULT_MAX_SESSION_ITEMS = 50;
    /** Earlier sessions are long-term history while they started no more than this before the current session. */
    public static final Duration DEFAULT_LONG_TERM_RETENTION = Duration.ofDays(7);
    /**
     * Distinct ids kept per feature in L^u, the most recent ones. 50 matches the session bound: the
     * encoder attends over at most as many long-term ids per feature as over session items, and the
     * bound caps one user's state at a few kilobytes however active the user is.
     */
    public static final int DEFAULT_MAX_LONG_TERM_PER_FEATURE = 50;
    /** Most recent event ids remembered per user to drop a repeated {@code eventId}. */
    public static final int DEFAULT_DEDUP_MEMORY = 256;

    private final long sessionGapMillis;
    private final int maxSessionItems;
    private final long longTermRetentionMillis;
    private final int maxLongTermPerFeature;
    private final int dedupMemory;

    private HistoryPolicy(Builder b) {
        this.sessionGapMillis = b.sessionGap.toMillis();
        this.maxSessionItems = b.maxSessionItems;
        this.longTermRetentionMillis = b.longTermRetention.toMillis();
        this.maxLongTermPerFeature = b.maxLongTermPerFeature;
        this.dedupMemory = b.dedupMemory;
    }

    /** The policy of DESIGN §5: 10 min gap, 50 items per session, 7 days and 50 ids per feature of long-term history. */
    public static HistoryPolicy defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this policy's settings. */
    public Builder toBuilder() {
        return new Builder()
                .sessionGap(sessionGap())
                .maxSessionItems(maxSessionItems)
                .longTermRetention(longTermRetention())
                .maxLongTermPerFeature(maxLongTermPerFeature)
                .dedupMemory(dedupMemory);
    }

    public Duration sessionGap() {
        return Duration.ofMillis(sessionGapMillis);
    }

    public long sessionGapMillis() {
        return sessionGapMillis;
    }

    public int maxSessionItems() {
        return maxSessionItems;
    }

    public Duration longTermRetention() {
        return Duration.ofMillis(longTermRetentionMillis);
    }

    public long longTermRetentionMillis() {
        return longTermRetentionMillis;
    }

    public int maxLongTermPerFeature() {
        return maxLongTermPerFeature;
    }

    public int dedupMemory() {
        return dedupMemory;
    }

    /**
     * How long after a user's last event the whole history lapses: by then the session has ended and
     * every behaviour is older than the retention, so no later snapshot can show any of it.
     */
    public long lapseAfterMillis() {
        return Math.max(sessionGapMillis, longTermRetentionMillis);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof HistoryPolicy)) {
            return false;
        }
        HistoryPolicy that = (HistoryPolicy) o;
        return sessionGapMillis == that.sessionGapMillis
                && maxSessionItems == that.maxSessionItems
                && longTermRetentionMillis == that.longTermRetentionMillis
                && maxLongTermPerFeature == that.maxLongTermPerFeature
                && dedupMemory == that.dedupMemory;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                sessionGapMillis, maxSessionItems, longTermRetentionMillis, maxLongTermPerFeature, dedupMemory);
    }

    @Override
    public String toString() {
        return "HistoryPolicy{sessionGap=" + sessionGap()
                + ", maxSessionItems=" + maxSessionItems
                + ", longTermRetention=" + longTermRetention()
                + ", maxLongTermPerFeature=" + maxLongTermPerFeature
                + ", dedupMemory=" + dedupMemory + '}';
    }

    /** Settings start at the documented defaults; {@link #build()} validates them. */
    public static final class Builder {
        private Duration sessionGap = DEFAULT_SESSION_GAP;
        private int maxSessionItems = DEFAULT_MAX_SESSION_ITEMS;
        private Duration longTermRetention = DEFAULT_LONG_TERM_RETENTION;
        private int maxLongTermPerFeature = DEFAULT_MAX_LONG_TERM_PER_FEATURE;
        private int dedupMemory = DEFAULT_DEDUP_MEMORY;

        private Builder() {}

        /** A pause longer than this between two events ends the session. Default 10 min. */
        public Builder sessionGap(Duration sessionGap) {
            this.sessionGap = sessionGap;
            return this;
        }

        /** A session holding this many items ends before the next event. Default 50. */
        public Builder maxSessionItems(int maxSessionItems) {
            this.maxSessionItems = maxSessionItems;
            return this;
        }

        /** How far before the current session long-term history reaches. Default 7 days. */
        public Builder longTermRetention(Duration longTermRetention) {
            this.longTermRetention = longTermRetention;
            return this;
        }

        /** Distinct ids kept per feature in the long-term history, the most recent ones. Default 50. */
        public Builder maxLongTermPerFeature(int maxLongTermPerFeature) {
            this.maxLongTermPerFeature = maxLongTermPerFeature;
            return this;
        }

        /** Event ids remembered per user to drop repeats. Default 256. */
        public Builder dedupMemory(int dedupMemory) {
            this.dedupMemory = dedupMemory;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid setting and what to set instead */
        public HistoryPolicy build() {
            requirePositive("sessionGap", sessionGap, "the longest pause that still continues a session, e.g. 10m");
            requirePositive(
                    "longTermRetention",
                    longTermRetention,
                    "how far back earlier sessions count as long-term history, e.g. 7d");
            requireAtLeastOne("maxSessionItems", maxSessionItems, "the most items one session may hold, e.g. 50");
            requireAtLeastOne(
                    "maxLongTermPerFeature",
                    maxLongTermPerFeature,
                    "how many distinct ids to keep per feature of long-term history, e.g. 50");
            requireAtLeastOne(
                    "dedupMemory", dedupMemory, "how many recent event ids to remember per user for dedup, e.g. 256");
            return new HistoryPolicy(this);
        }

        private static void requirePositive(String name, Duration value, String meaning) {
            if (value == null || value.isNegative() || value.toMillis() == 0) {
                throw new IllegalArgumentException("history policy: " + name + " must be at least 1 ms but was " + value
                        + "; set it to " + meaning);
            }
        }

        private static void requireAtLeastOne(String name, int value, String meaning) {
            if (value < 1) {
                throw new IllegalArgumentException(
                        "history policy: " + name + " must be at least 1 but was " + value + "; set it to " + meaning);
            }
        }
    }
}
