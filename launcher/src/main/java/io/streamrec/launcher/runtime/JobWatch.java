package io.streamrec.launcher.runtime;

import io.streamrec.embedded.LiveMetrics;
import io.streamrec.embedded.LocalFlinkCluster;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the job of a run on its local cluster: status, restarts (Flink's {@code numRestarts}), the root cause of
 * its latest failure, and whether the cluster still has its task manager (a fatal error in it stops it, and the job
 * then waits for slots that never come).
 */
final class JobWatch {

    private static final Logger LOG = LoggerFactory.getLogger(JobWatch.class);
    static final String NUM_RESTARTS = "numRestarts";

    private final LocalFlinkCluster cluster;
    private final JobID job;
    private final LiveMetrics metrics;
    private final int maxRestarts;
    private volatile JobState last = JobState.RUNNING;

    JobWatch(LocalFlinkCluster cluster, JobID job, LiveMetrics metrics, int maxRestarts) {
        this.cluster = cluster;
        this.job = job;
        this.metrics = metrics;
        this.maxRestarts = maxRestarts;
    }

    /** The job's state now; when the cluster cannot answer, the job is taken as lost with the cluster. */
    JobState read() {
        JobState now;
        try {
            LocalFlinkCluster.JobDetails details = cluster.details(job);
            JobStatus status = details.status();
            boolean lost = !status.isGloballyTerminalState() && cluster.taskManagers() == 0;
            now = new JobState(
                    status,
                    metrics.max(NUM_RESTARTS),
                    maxRestarts,
                    details.latestFailure().map(JobWatch::describe),
                    details.restoredCheckpoint(),
                    lost);
        } catch (Exception e) {
            LOG.debug("Could not read the job's state", e);
            now = new JobState(
                    last.status(),
                    last.restarts(),
                    maxRestarts,
                    Optional.of("the local Flink cluster does not answer: " + describe(e)),
                    last.restoredCheckpoint(),
                    true);
        }
        last = now;
        return now;
    }

    /** The latest reading. */
    JobState last() {
        return last;
    }

    /**
     * A failure as one line: the message of the first of our own exceptions in its chain (they say what to
     * change), else its root cause's type and message.
     */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("io.streamrec.") && t.getMessage() != null) {
                return t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        Throwable root = ExceptionUtils.stripExecutionException(failure);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
