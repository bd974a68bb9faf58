package io.streamrec.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobMessageParameters;
import org.apache.flink.runtime.rest.messages.JobVertexMessageParameters;
import org.apache.flink.runtime.rest.messages.JobVertexTaskManagersHeaders;
import org.apache.flink.runtime.rest.messages.JobVertexTaskManagersInfo;
import org.apache.flink.runtime.rest.messages.JobVertexTaskManagersInfo.TaskManagersInfo;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobDetailsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.taskmanager.TaskManagersHeaders;
import org.apache.flink.runtime.rest.util.RestMapperUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;

/**
 * A Flink session cluster of separate JVMs started from Flink's own entry points: the JobManager from
 * {@code StandaloneSessionClusterEntrypoint}, each TaskManager from {@code TaskManagerRunner}, with the JVM memory
 * flags and dynamic properties Flink's own scripts compute for them (the same utilities {@code BashJavaUtils}
 * calls). Every endpoint listens on 127.0.0.1. Jobs are submitted as a jar over the REST API, as {@code flink run}
 * does: the job's {@code main} runs here, on the jar's own class loader, to build the job graph, and the jar is
 * uploaded with it.
 */
public final class FlinkSessionCluster implements AutoCloseable {

    private static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration REST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param taskManagers TaskManagers to start
     * @param slotsPerTaskManager task slots of each
     * @param jobManagerMemory {@code jobmanager.memory.process.size}
     * @param taskManagerMemory {@code taskmanager.memory.process.size}
     * @param configuration any other Flink settings (state backend, checkpoints, restart strategy ...)
     * @param jvmOptions extra JVM options for every Flink process (e.g. {@code --add-opens}, system properties)
     */
    public record Settings(
            int taskManagers,
            int slotsPerTaskManager,
            String jobManagerMemory,
            String taskManagerMemory,
            Map<String, String> configuration,
            List<String> jvmOptions) {

        public Settings {
            if (taskManagers < 1 || slotsPerTaskManager < 1) {
                throw new IllegalArgumentException("A cluster needs at least one TaskManager with one slot");
            }
            configuration = Map.copyOf(configuration);
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    private final Path dir;
    private final Path confDir;
    private final ClusterClasspath classpath;
    private final Settings settings;
    private final Configuration configuration;
    private final ManagedProcess jobManager;
    private final List<ManagedProcess> taskManagers = new ArrayList<>();
    /** TaskManager number → the resource id it registered with when last started. */
    private final Map<Integer, String> taskManagerIds = new ConcurrentHashMap<>();

    private final AtomicInteger starts = new AtomicInteger();
    private final RestClusterClient<StandaloneClusterId> client;

    private FlinkSessionCluster(
            Path dir,
            ClusterClasspath classpath,
            Settings settings,
            Configuration configuration,
            ManagedProcess jobManager,
            RestClusterClient<StandaloneClusterId> client) {
        this.dir = dir;
        this.confDir = dir.resolve("conf");
        this.classpath = classpath;
        this.settings = settings;
        this.configuration = configuration;
        this.jobManager = jobManager;
        this.client = client;
    }

    /** Starts the JobManager and the TaskManagers, and returns once every TaskManager has registered. */
    public static FlinkSessionCluster start(Path dir, ClusterClasspath classpath, Settings settings) throws Exception {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("jobmanager.rpc.address", Ports.LOOPBACK);
        conf.put("jobmanager.rpc.port", Integer.toString(Ports.free()));
        conf.put("jobmanager.bind-host", Ports.LOOPBACK);
        conf.put("rest.address", Ports.LOOPBACK);
        conf.put("rest.bind-address", Ports.LOOPBACK);
        conf.put("rest.port", Integer.toString(Ports.free()));
        conf.put("taskmanager.host", Ports.LOOPBACK);
        conf.put("taskmanager.bind-host", Ports.LOOPBACK);
        conf.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slotsPerTaskManager()));
        conf.put("jobmanager.memory.process.size", settings.jobManagerMemory());
        conf.put("taskmanager.memory.process.size", settings.taskManagerMemory());
        // a TaskManager that stops answering is declared lost within seconds, not Flink's default 50 s
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "6000");
        // Flink 2 dropped cluster.evenly-spread-out-slots (an unknown key is ignored): without this, both slots of a
        // parallelism-2 job can land on one TaskManager and killing the other one fails nothing
        conf.put("taskmanager.load-balance.mode", "slots");
        conf.put("io.tmp.dirs", dir.resolve("tmp").toAbsolutePath().toString());
        conf.putAll(settings.configuration());

        Path confDir = dir.resolve("conf");
        Configuration configuration = new Configuration();
        conf.forEach(configuration::setString);
        try {
            Files.createDirectories(confDir);
            Files.createDirectories(dir.resolve("tmp"));
            StringBuilder yaml = new StringBuilder("# written by the streamrec cluster harness\n");
            conf.forEach((k, v) -> yaml.append(k).append(": ").append(quoted(v)).append('\n'));
            Files.writeString(confDir.resolve("config.yaml"), yaml);
            Files.writeString(confDir.resolve("log4j.properties"), Logging.flink());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the Flink configuration in " + confDir, e);
        }

        JobManagerProcessSpec jmSpec = JobManagerProcessUtils.processSpecFromConfig(configuration);
        List<String> jmJvm =
                new ArrayList<>(split(JobManagerProcessUtils.generateJvmParametersStr(jmSpec, configuration)));
        List<String> jmArgs = new ArrayList<>(List.of("--configDir", confDir.toString()));
        jmArgs.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(jmSpec)));
        ManagedProcess jobManager = ManagedProcess.start(
                flinkCommand("jobmanager", JOB_MANAGER_MAIN, dir, confDir, classpath, settings, jmJvm, jmArgs));

        Configuration clientConfig = new Configuration(configuration);
        RestClusterClient<StandaloneClusterId> client =
                new RestClusterClient<>(clientConfig, StandaloneClusterId.getInstance());
        FlinkSessionCluster cluster =
                new FlinkSessionCluster(dir, classpath, settings, configuration, jobManager, client);
        try {
            int restPort = configuration.get(RestOptions.PORT);
            if (!Ports.awaitOpen(restPort, START_TIMEOUT)) {
                throw new IllegalStateException("The JobManager's REST API did not open port " + restPort
                        + "; last lines of its log:\n" + jobManager.logTail(40));
            }
            for (int i = 0; i < settings.taskManagers(); i++) {
                cluster.taskManagers.add(cluster.startTaskManagerProcess(i + 1));
            }
            cluster.awaitTaskManagers(settings.taskManagers(), START_TIMEOUT);
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private ManagedProcess startTaskManagerProcess(int number) {
        Configuration tmConfig = new Configuration(configuration);
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(tmConfig);
        List<String> jvm = new ArrayList<>(split(ProcessMemoryUtils.generateJvmParametersStr(spec)));
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        // a fresh id per start: a restarted TaskManager must not be taken for the lost one
        args.addAll(List.of("-D", TaskManagerOptions.TASK_MANAGER_RESOURCE_ID.key() + "=" + resourceId(number)));
        return ManagedProcess.start(
                flinkCommand("taskmanager-" + number, TASK_MANAGER_MAIN, dir, confDir, classpath, settings, jvm, args));
    }

    private static JavaCommand flinkCommand(
            String name,
            String mainClass,
            Path dir,
            Path confDir,
            ClusterClasspath classpath,
            Settings settings,
            List<String> memoryOptions,
            List<String> arguments) {
        List<String> jvm = new ArrayList<>(memoryOptions);
        jvm.add("-Dlog.file=" + dir.resolve(name + ".log"));
        jvm.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties"));
        jvm.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
        jvm.addAll(settings.jvmOptions());
        return new JavaCommand(
                name,
                mainClass,
                classpath.flink(),
                jvm,
                arguments,
                dir,
                dir.resolve(name + ".out"),
                Map.of("FLINK_CONF_DIR", confDir.toString(), "MALLOC_ARENA_MAX", "2"));
    }

    /** The JobManager's process. */
    public ManagedProcess jobManager() {
        return jobManager;
    }

    private String resourceId(int number) {
        String id = "taskmanager-" + number + "-" + starts.incrementAndGet();
        taskManagerIds.put(number, id);
        return id;
    }

    /**
     * The numbers (1-based) of the TaskManagers that run at least one task of {@code job} now. A fault test kills
     * one of these: a TaskManager without tasks can die without the job noticing.
     */
    public SortedSet<Integer> taskManagersRunning(JobID job) throws Exception {
        JobMessageParameters jobParameters = new JobMessageParameters();
        jobParameters.jobPathParameter.resolve(job);
        JobDetailsInfo details = client.sendRequest(
                        JobDetailsHeaders.getInstance(), jobParameters, EmptyRequestBody.getInstance())
                .get(REST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Set<String> hosts = new HashSet<>();
        for (JobDetailsInfo.JobVertexDetailsInfo vertex : details.getJobVertexInfos()) {
            JobVertexMessageParameters vertexParameters = new JobVertexMessageParameters();
            vertexParameters.jobPathParameter.resolve(job);
            vertexParameters.jobVertexIdPathParameter.resolve(vertex.getJobVertexID());
            JobVertexTaskManagersInfo info = client.sendRequest(
                            JobVertexTaskManagersHeaders.getInstance(),
                            vertexParameters,
                            EmptyRequestBody.getInstance())
                    .get(REST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            // the response class has no getters: read the id as the REST API writes it
            JsonNode json = RestMapperUtils.getStrictObjectMapper().valueToTree(info);
            json.path(JobVertexTaskManagersInfo.VERTEX_TASK_FIELD_TASK_MANAGERS)
                    .forEach(tm -> hosts.add(tm.path(TaskManagersInfo.TASK_MANAGERS_FIELD_TASKMANAGER_ID)
                            .asText()));
        }
        SortedSet<Integer> numbers = new TreeSet<>();
        taskManagerIds.forEach((number, id) -> {
            if (hosts.contains(id)) {
                numbers.add(number);
            }
        });
        return numbers;
    }

    /** TaskManager {@code number} (1-based), as last started. */
    public ManagedProcess taskManager(int number) {
        return taskManagers.get(number - 1);
    }

    public int taskManagerCount() {
        return taskManagers.size();
    }

    /** Starts TaskManager {@code number} again after it was killed or stopped (a new TaskManager id, same slots). */
    public ManagedProcess restartTaskManager(int number) {
        ManagedProcess old = taskManagers.get(number - 1);
        if (old.isAlive()) {
            throw new IllegalStateException(old + " still runs; kill or stop it first");
        }
        ManagedProcess restarted = startTaskManagerProcess(number);
        taskManagers.set(number - 1, restarted);
        return restarted;
    }

    /** Starts one more TaskManager and returns its number. */
    public int addTaskManager() {
        taskManagers.add(startTaskManagerProcess(taskManagers.size() + 1));
        return taskManagers.size();
    }

    /** The TaskManagers the JobManager currently knows. */
    public int registeredTaskManagers() throws Exception {
        return client.sendRequest(
                        TaskManagersHeaders.getInstance(),
                        EmptyMessageParameters.getInstance(),
                        EmptyRequestBody.getInstance())
                .get(REST_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .getTaskManagerInfos()
                .size();
    }

    /** Waits until the JobManager knows exactly {@code count} TaskManagers. */
    public void awaitTaskManagers(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int registered = -1;
        while (System.nanoTime() < deadline) {
            try {
                registered = registeredTaskManagers();
                if (registered == count) {
                    return;
                }
            } catch (Exception notYet) {
                // the REST endpoint is up before the resource manager answers
            }
            for (ManagedProcess tm : taskManagers) {
                if (!tm.isAlive() && tm.exitCode().isPresent() && count == taskManagers.size()) {
                    throw new IllegalStateException(
                            tm + " exited with " + tm.exitCode().get() + "; last lines of its log:\n" + tm.logTail(40));
                }
            }
            ManagedProcess.sleep(Duration.ofMillis(300));
        }
        throw new IllegalStateException(registered + " TaskManagers registered, not " + count + ", within "
                + timeout.toSeconds() + " s; JobManager log:\n" + jobManager.logTail(40));
    }

    /**
     * Submits a job jar as {@code flink run} does: runs its {@code main} here on the jar's class loader to build
     * the job graph (a main that refuses its arguments fails here, before anything reaches the cluster), then
     * uploads the graph and the jar over REST.
     */
    public JobID submit(Path jobJar, String entryClass, List<String> arguments, int parallelism) throws Exception {
        return submit(jobJar, entryClass, arguments, parallelism, SavepointRestoreSettings.none());
    }

    /**
     * As {@link #submit(Path, String, List, int)}, the job's state restored from a retained checkpoint or a savepoint
     * ({@code restorePath}, e.g. {@link #latestCheckpointPath}), as {@code flink run -s PATH} does: every operator's
     * state must be taken (no {@code --allowNonRestoredState}), and the checkpoint is not claimed (the new job's first
     * checkpoint is a full one, so the old job's files stay usable).
     */
    public JobID submit(Path jobJar, String entryClass, List<String> arguments, int parallelism, String restorePath)
            throws Exception {
        return submit(jobJar, entryClass, arguments, parallelism, SavepointRestoreSettings.forPath(restorePath, false));
    }

    private JobID submit(
            Path jobJar, String entryClass, List<String> arguments, int parallelism, SavepointRestoreSettings restore)
            throws Exception {
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(jobJar.toFile())
                .setEntryPointClassName(entryClass)
                .setArguments(arguments.toArray(String[]::new))
                .setConfiguration(configuration)
                .build();
        try {
            JobGraph graph = PackagedProgramUtils.createJobGraph(program, configuration, parallelism, false);
            graph.setSavepointRestoreSettings(restore);
            return client.submitJob(graph).get(REST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            program.close();
        }
    }

    public JobStatus status(JobID job) throws Exception {
        return client.getJobStatus(job).get(REST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The job's checkpoint statistics: counts, the latest completed and the last one restored. */
    public CheckpointingStatistics checkpoints(JobID job) throws Exception {
        JobMessageParameters parameters = new JobMessageParameters();
        parameters.jobPathParameter.resolve(job);
        return client.sendRequest(
                        CheckpointingStatisticsHeaders.getInstance(), parameters, EmptyRequestBody.getInstance())
                .get(REST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    public void cancel(JobID job) throws Exception {
        client.cancel(job).get(REST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Cancels the job over REST ({@code PATCH /jobs/:jobid?mode=cancel}) and waits until it is CANCELED. */
    public void cancelAndAwait(JobID job, Duration timeout) throws Exception {
        cancel(job);
        long deadline = System.nanoTime() + timeout.toNanos();
        JobStatus status = status(job);
        while (status != JobStatus.CANCELED) {
            if (status.isGloballyTerminalState() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Job " + job + " is " + status + ", not CANCELED, "
                        + (status.isGloballyTerminalState()
                                ? "after its cancellation"
                                : "after " + timeout.toSeconds() + " s")
                        + "; JobManager log:\n" + jobManager.logTail(40));
            }
            ManagedProcess.sleep(Duration.ofMillis(200));
            status = status(job);
        }
    }

    /**
     * Where the job's latest completed checkpoint is (its {@code chk-<n>} folder), as the REST API reports it; empty
     * when none completed or it was discarded. After a cancellation the folder is still there only when the job
     * retains checkpoints on cancellation ({@code execution.checkpointing.externalized-checkpoint-retention:
     * RETAIN_ON_CANCELLATION}).
     */
    public Optional<String> latestCheckpointPath(JobID job) throws Exception {
        CheckpointStatistics.CompletedCheckpointStatistics latest =
                checkpoints(job).getLatestCheckpoints().getCompletedCheckpointStatistics();
        return latest == null || latest.isDiscarded()
                ? Optional.empty()
                : Optional.ofNullable(latest.getExternalPath());
    }

    /** The client this harness submits with, for anything else the REST API offers. */
    public RestClusterClient<StandaloneClusterId> client() {
        return client;
    }

    /** Flink's configuration of this cluster (as written to {@code conf/config.yaml}). */
    public Configuration configuration() {
        return new Configuration(configuration);
    }

    public Path dir() {
        return dir;
    }

    /** Waits until a process's log shows {@code pattern}; for one-off checks in tests. */
    public static void awaitLog(ManagedProcess process, String pattern, Duration timeout) {
        process.awaitLog(Pattern.compile(pattern), timeout);
    }

    /** Stops the TaskManagers, then the JobManager. */
    @Override
    public void close() {
        client.close();
        for (ManagedProcess tm : taskManagers) {
            tm.stop(Duration.ofSeconds(10));
        }
        jobManager.stop(Duration.ofSeconds(10));
    }

    private static List<String> split(String flags) {
        return Arrays.stream(flags.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static String quoted(String value) {
        return "'" + Objects.requireNonNull(value).replace("'", "''") + "'";
    }
}
