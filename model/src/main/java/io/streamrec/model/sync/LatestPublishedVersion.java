package io.streamrec.model.sync;

import java.io.Serializable;

/**
 * Where a trainer started without a checkpoint learns the newest model version already published, so its
 * first version comes after it: versions strictly increase across restarts, also when the
 * checkpoints are gone but the {@code model-updates} topic, and the consumers that applied it, are not.
 * Serializable: a streaming job ships it to its trainer task.
 */
@FunctionalInterface
public interface LatestPublishedVersion extends Serializable {

    /** For a trainer whose updates have no earlier readers (tests, or a topic known to be new). */
    LatestPublishedVersion NONE = () -> 0L;

    /** The highest version already published, 0 when none. */
    long latest() throws Exception;
}
