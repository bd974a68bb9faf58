package io.streamrec.model.history;

import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The rules that shape a user's history (docs/design.md, "User state"): when a session ends, how long and how
 * much of the earlier sessions is kept, and how many event ids are remembered for dedup. The streaming operator and
 * offline replay take the same policy, so online and offline features are identical.
 *
 * <p>Immutable; its options are declared once here ({@link #OPTIONS}), and {@link #from} or {@link #builder()}
 * check every value and say what to change.
 */
public final class HistoryPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Option<Duration> SESSION_GAP = Option.key("session-gap")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("A pause longer than this ends the user's session (SDM's 10 minutes).")
            .withCheck(Check.atLeast(Duration.ofMillis(1)));

    public static final Option<Integer> MAX_SESSION_ITEMS = Option.key("max-session-items")
            .intType()
            .defaultValue(50)
            .withDescription("A session holding this many items ends before the next event (SDM's 50).")
            .withCheck(Check.atLeast(1));

    public static final Option<Duration> LONG_TERM_RETENTION = Option.key("long-term-retention")
            .durationType()
            .defaultValue(Duration.ofDays(7))
            .withDescription("Earlier sessions are long-term history while they started no more than this before"
                    + " the current one.")
            .withCheck(Check.atLeast(Duration.ofMillis(1)));

    public static final Option<Integer> MAX_LONG_TERM_PER_FEATURE = Option.key("max-long-term-per-feature")
            .intType()
            .defaultValue(50)
            .withDescription("Distinct ids kept per feature of long-term history, the most recent ones: as many as"
                    + " a session holds, which caps one user's state at a few kilobytes however active.")
            .withCheck(Check.atLeast(1));

    public static final Option<Integer> DEDUP_MEMORY = Option.key("dedup-memory")
            .intType()
            .defaultValue(256)
            .withDescription("Most recent event ids remembered per user; a repeated eventId among them is dropped"
                    + " and dead-lettered as a duplicate.")
            .withCheck(Check.atLeast(1));

    public static final OptionTable OPTIONS = OptionTable.builder("user history options")
            .section(
                    "User state",
                    SESSION_GAP,
                    MAX_SESSION_ITEMS,
                    LONG_TERM_RETENTION,
                    MAX_LONG_TERM_PER_FEATURE,
                    DEDUP_MEMORY)
            .build();

    private final long sessionGapMillis;
    private final int maxSessionItems;
    private final long longTermRetentionMillis;
    private final int maxLongTermPerFeature;
    private final int dedupMemory;

    private HistoryPolicy(Settings settings) {
        this.sessionGapMillis = settings.get(SESSION_GAP).toMillis();
        this.maxSessionItems = settings.get(MAX_SESSION_ITEMS);
        this.longTermRetentionMillis = settings.get(LONG_TERM_RETENTION).toMillis();
        this.maxLongTermPerFeature = settings.get(MAX_LONG_TERM_PER_FEATURE);
        this.dedupMemory = settings.get(DEDUP_MEMORY);
    }

    /** Every option at its default: 10 min gap, 50 items per session, 7 days and 50 ids per feature of history. */
    public static HistoryPolicy defaults() {
        return builder().build();
    }

    /**
     * The policy of the values of {@link #OPTIONS} in {@code settings} (other values are ignored).
     *
     * @throws io.streamrec.config.InvalidConfigException listing every problem
     */
    public static HistoryPolicy from(Settings settings) {
        return new HistoryPolicy(OPTIONS.check(settings));
    }

    public static Builder builder() {
        return new Builder(Settings.builder());
    }

    /** A builder starting from this policy's settings. */
    public Builder toBuilder() {
        return builder()
                .set(SESSION_GAP, sessionGap())
                .set(MAX_SESSION_ITEMS, maxSessionItems)
                .set(LONG_TERM_RETENTION, longTermRetention())
                .set(MAX_LONG_TERM_PER_FEATURE, maxLongTermPerFeature)
                .set(DEDUP_MEMORY, dedupMemory);
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

    /** Sets options; unset ones keep their defaults. */
    public static final class Builder {
        private final Settings.Builder settings;

        private Builder(Settings.Builder settings) {
            this.settings = settings;
        }

        public <T> Builder set(Option<T> option, T value) {
            settings.set(option, value);
            return this;
        }

        /** @throws io.streamrec.config.InvalidConfigException listing every invalid setting and what to set instead */
        public HistoryPolicy build() {
            return from(settings.build());
        }
    }
}
