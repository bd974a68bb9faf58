package io.streamrec.model.sync;

/**
 * What a consumer keeps of one model: built from a FULL update, then advanced in place by deltas. The encoder
 * operators' {@link EncoderReplica} is one; the serving module's model (encoder and item index) is another.
 * {@link ReplicaSync} decides what is applied when.
 */
public interface Replica extends AutoCloseable {

    /** The version this replica holds. */
    long version();

    /**
     * Applies {@code delta} (based on {@link #version()}) in place. Checks everything it needs first and throws
     * before changing anything, so a refused delta leaves the replica whole at its version.
     *
     * @throws IllegalArgumentException if the delta does not fit this replica
     */
    void applyDelta(CompleteUpdate delta);

    @Override
    void close();
}
