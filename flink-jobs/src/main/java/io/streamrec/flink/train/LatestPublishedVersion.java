package io.streamrec.flink.train;

import java.io.Serializable;

/**
 * Where a trainer started without a checkpoint learns the newest model version already published, so its
 * first version comes after it: versions strictly increase across restarts (DESIGN.md §8), also when the
 * checkpoints are gone but the {@code model-updates} topic, and the consumers that applied it, are not.
 * Serializable: it travels to the task inside the operator factory.
 */
@FunctionalInterface
public interface LatestPublishedVersion extends Serializable {

    /** For a trainer whose updates have no earlier readers (tests, or a topic known to be new). */
    LatestPublishedVersion NONE = () -> 0L;

    /** The highest version already published, 0 when none. */
    long latest() throws Exception;
}
