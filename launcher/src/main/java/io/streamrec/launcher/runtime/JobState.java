package io.streamrec.launcher.runtime;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.flink.api.common.JobStatus;

/**
 * Where the job stands: its Flink status, how often it has restarted, its latest failure, and whether the cluster
 * running it is still there.
 *
 * @param status the job's status ({@link JobStatus#RUNNING}, {@link JobStatus#RESTARTING}, {@link JobStatus#FAILED},
 *     ...)
 * @param restarts restarts since submission, counting one that is about to happen
 * @param maxRestarts restarts the job's strategy allows before it fails for good
 * @param lastFailure the root cause of the latest failure (the one that ended the job, or the last that made it
 *     restart); empty when it never failed
 * @param restoredCheckpoint the checkpoint the job last restored from; empty when it never restored one
 * @param clusterLost the local cluster lost its task manager, so the job cannot run again
 */
public record JobState(
        JobStatus status,
        long restarts,
        int maxRestarts,
        Optional<String> lastFailure,
        OptionalLong restoredCheckpoint,
        boolean clusterLost) {

    /** A job running as it should. */
    public static final JobState RUNNING =
            new JobState(JobStatus.RUNNING, 0, 0, Optional.empty(), OptionalLong.empty(), false);

    public JobState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lastFailure, "lastFailure");
        Objects.requireNonNull(restoredCheckpoint, "restoredCheckpoint");
    }

    /** The job will not run again: it failed for good, or its cluster is gone. */
    public boolean failedForGood() {
        return status == JobStatus.FAILED || clusterLost;
    }

    /** Between a failure and the restart that follows it. */
    public boolean recovering() {
        return status == JobStatus.RESTARTING || status == JobStatus.FAILING;
    }

    /** The status as the summary gives it: Flink's, or {@code FAILED} when the cluster was lost. */
    public String summaryStatus() {
        return clusterLost ? JobStatus.FAILED.name() : status.name();
    }

    /**
     * What the progress line says before its figures: nothing while the job runs as it should, the restart count
     * and cause while it recovers, the cause once it failed for good.
     */
    String prefix() {
        if (clusterLost) {
            return "job FAILED: the local Flink cluster lost its task manager"
                    + lastFailure.map(f -> " (last failure: " + f + ")").orElse("") + " | ";
        }
        if (status == JobStatus.FAILED) {
            return "job FAILED: " + lastFailure.orElse("no cause given") + " | ";
        }
        if (recovering()) {
            return String.format(
                    Locale.ROOT,
                    "job RESTARTING (restart %d of %d) after: %s | ",
                    Math.max(1, restarts), // Flink counts a restart when it decides on it, before the wait
                    maxRestarts,
                    lastFailure.orElse("a failure"));
        }
        return "";
    }

    /**
     * What the progress line says after its figures: the restarts so far, once there were any, and the checkpoint
     * the job last restored from.
     */
    String suffix() {
        if (restarts == 0 || recovering() || failedForGood()) {
            return "";
        }
        return " | restarts " + restarts
                + (restoredCheckpoint.isPresent() ? " (from checkpoint " + restoredCheckpoint.getAsLong() + ")" : "");
    }
}
