package io.streamrec.flink.train;

/**
 * How early to ask the training thread for a delta so that deltas are at most the configured interval
 * apart. The thread publishes only between rounds (one scored and one trained batch), so a request waits
 * up to one round, and then the delta takes time to build (serialising the changed rows); asking one recent
 * longest round plus the last publication's build time ahead of the deadline absorbs both.
 *
 * <p>The longest recent round decays by {@value #DECAY} per round, so one slow round (a checkpoint pause,
 * a GC) lengthens the lead for a while and then lets go. The lead never exceeds half the interval, so a
 * trainer whose rounds outgrow the interval still publishes at half the interval, not continuously.
 *
 * <p>Written by the training thread ({@link #roundTook}), read by the task thread ({@link #leadMillis}).
 */
final class DeltaLead {
    static final double DECAY = 0.95;

    private volatile long longestRecentRoundMillis;
    private volatile long lastPublicationMillis;

    /** Records one round's wall-clock duration. */
    void roundTook(long millis) {
        long decayed = (long) (longestRecentRoundMillis * DECAY);
        longestRecentRoundMillis = Math.max(decayed, millis);
    }

    /** Records how long the latest publication took to build. */
    void publicationTook(long millis) {
        lastPublicationMillis = millis;
    }

    long longestRecentRoundMillis() {
        return longestRecentRoundMillis;
    }

    /** How long before the deadline of a delta due every {@code intervalMillis} to ask for it. */
    long leadMillis(long intervalMillis) {
        return Math.min(longestRecentRoundMillis + lastPublicationMillis, intervalMillis / 2);
    }
}
