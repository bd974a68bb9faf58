package io.streamrec.model.sync;

/**
 * Which of two vectors of one user is the one to keep: the newer by (model version, event time), compared in that
 * order. Vector sinks are at-least-once and replays re-send old vectors, so every consumer that keeps a user's
 * latest vector drops one that is older than the one it holds, and the same rule gives the same answer everywhere.
 */
public final class VectorRecency {

    private VectorRecency() {}

    /**
     * Whether a vector stamped ({@code version}, {@code eventTime}) replaces one stamped ({@code heldVersion},
     * {@code heldEventTime}): true unless it is older. An equal stamp replaces (the later write of the same moment).
     */
    public static boolean replaces(long version, long eventTime, long heldVersion, long heldEventTime) {
        return version > heldVersion || (version == heldVersion && eventTime >= heldEventTime);
    }
}
