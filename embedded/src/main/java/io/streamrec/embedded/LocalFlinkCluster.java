package io.streamrec.embedded;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink MiniCluster in this JVM that outlives the jobs submitted to it, so that a run can read
 * the job's status and cancel it before stopping the cluster (a local environment's per-job
 * cluster would vanish with the job).
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The web UI's ports, first free one wins, unless the configuration names its own: a busy 8081
     * (a Flink cluster, another run) must not stop a local run.
     */
    static final String REST_PORTS = "8081-8180";

    private final MiniCluster cluster;
    private final Configuration configuration;

    private LocalFlinkCluster(MiniCluster cluster, Configuration configuration) {
        this.cluster = cluster;
        this.configuration = configuration;
    }

    /** Starts one task manager with {@code slots} slots, configured by {@code configuration}, listening on loopback. */
    public static LocalFlinkCluster start(Configuration configuration, int slots) throws Exception {
        return start(configuration, slots, BindAddress.LOOPBACK);
    }

    /**
     * Starts one task manager with {@code slots} slots, configured by {@code configuration}, its listeners (REST API,
     * RPC, blob server, data exchange) bound to {@code bindAddress} unless the configuration names its own. Flink's
     * own default is every interface, and its REST API runs any jar it is sent: a local cluster keeps to loopback
     * unless told otherwise.
     */
    public static LocalFlinkCluster start(Configuration configuration, int slots, String bindAddress) throws Exception {
        if (slots < 1) {
            throw new IllegalArgumentException("A local Flink cluster needs at least one slot, got " + slots);
        }
        Configuration withPorts = new Configuration(configuration);
        if (!withPorts.contains(RestOptions.BIND_PORT)) {
            withPorts.set(RestOptions.BIND_PORT, REST_PORTS);
        }
        bindListeners(withPorts, bindAddress);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(withPorts)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new LocalFlinkCluster(cluster, configuration);
    }

    /** Binds every listener the configuration leaves unset to {@code bindAddress}. */
    static void bindListeners(Configuration config, String bindAddress) {
        String advertised = BindAddress.advertised(bindAddress);
        setIfAbsent(config, RestOptions.BIND_ADDRESS, bindAddress);
        setIfAbsent(config, RestOptions.ADDRESS, advertised);
        setIfAbsent(config, JobManagerOptions.BIND_HOST, bindAddress);
        setIfAbsent(config, JobManagerOptions.ADDRESS, advertised);
        setIfAbsent(config, TaskManagerOptions.BIND_HOST, bindAddress);
        setIfAbsent(config, TaskManagerOptions.HOST, advertised);
    }

    private static void setIfAbsent(Configuration config, ConfigOption<String> option, String value) {
        if (!config.contains(option)) {
            config.set(option, value);
        }
    }

    /** Where the cluster's web UI and REST API listen. */
    public java.net.URI restAddress() throws Exception {
        return cluster.getRestAddress().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** An environment with this cluster's configuration; build the job on it, then {@link #submit}. */
    public StreamExecutionEnvironment newEnvironment() {
        return new StreamExecutionEnvironment(configuration);
    }

    /** Submits the job built on {@code env} and returns its id once the cluster has accepted it. */
    public JobID submit(StreamExecutionEnvironment env, String jobName) throws Exception {
        var graph = env.getStreamGraph();
        graph.setJobName(jobName);
        return cluster.submitJob(graph.getJobGraph(Thread.currentThread().getContextClassLoader()))
                .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .getJobID();
    }

    public JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * The failure that ended {@code job}, if it ended by failing; call only once its status is
     * globally terminal.
     */
    public java.util.Optional<Throwable> failureOf(JobID job) throws Exception {
        JobResult result = cluster.requestJobResult(job).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return result.getSerializedThrowable()
                .map(t -> t.deserializeError(getClass().getClassLoader()));
    }

    /**
     * What the cluster knows of {@code job}: its status, its latest failure (the one that ended it, or the last one
     * that made it restart), and the checkpoint it last restored from.
     */
    public JobDetails details(JobID job) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        ErrorInfo failure = graph.getFailureInfo();
        CheckpointStatsSnapshot checkpoints = graph.getCheckpointStatsSnapshot();
        RestoredCheckpointStats restored = checkpoints == null ? null : checkpoints.getLatestRestoredCheckpoint();
        return new JobDetails(
                graph.getState(),
                failure == null
                        ? java.util.Optional.empty()
                        : java.util.Optional.of(failure.getException()
                                .deserializeError(getClass().getClassLoader())),
                restored == null
                        ? java.util.OptionalLong.empty()
                        : java.util.OptionalLong.of(restored.getCheckpointId()));
    }

    /**
     * @param status the job's status
     * @param latestFailure the failure that ended the job or made it restart last; empty when it never failed
     * @param restoredCheckpoint the id of the checkpoint the job last restored from; empty when it never did
     */
    public record JobDetails(
            JobStatus status, java.util.Optional<Throwable> latestFailure, java.util.OptionalLong restoredCheckpoint) {}

    /** Task managers registered with the cluster: one while it can run jobs, none once it lost it. */
    public int taskManagers() throws Exception {
        return cluster.requestClusterOverview()
                .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .getNumTaskManagersConnected();
    }

    /** Stops the task manager, as a fatal error in it would (tests). */
    public void terminateTaskManager() throws Exception {
        cluster.terminateTaskManager(0).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Cancels {@code job} if it still runs and waits until it has stopped. */
    public void cancel(JobID job) throws Exception {
        if (status(job).isGloballyTerminalState()) {
            return;
        }
        cluster.cancelJob(job).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        cluster.requestJobResult(job).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        LOG.debug("Stopping the local Flink cluster");
        cluster.closeAsync().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
