package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamrec.cluster.ClusterClasspath;
import io.streamrec.cluster.FlinkSessionCluster;
import io.streamrec.cluster.KafkaProcess;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.TopicNames;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.flink.job.Topics;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job jar on a Flink session cluster of separate processes (a JobManager and two TaskManagers from Flink's
 * entry points) against Kafka in its own process. Midway through the stream one TaskManager is killed with
 * SIGKILL and started again at once; the job restarts from its last checkpoint on whichever slots it gets.
 * Then, with exactly-once sinks read committed: every accepted event has exactly one vector and one feature
 * snapshot, every user's last snapshot equals the reference computed from the produced events (an uninterrupted
 * run's state), a user's vectors never go back in (modelVersion, eventTime), and on {@code model-updates} every
 * version the restored trainer had published before its checkpoint is there, complete, while the versions the lost
 * run published after it are not; versions only go up.
 */
class TaskManagerFailureIT {

    private static final Logger LOG = LoggerFactory.getLogger(TaskManagerFailureIT.class);
    private static final String JOB_MAIN = "io.streamrec.flink.job.StreamrecJob";
    private static final int RATINGS = 7_000;
    /**
     * Ratings before the kill: enough training examples to fill the trainer's mixing buffer (16 batches of 256), so
     * that it trains and publishes deltas before the kill and the restore has versions to keep and versions to lose.
     */
    private static final int BEFORE_KILL = 5_000;

    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final AvroBinaryCodec<UserVector> VECTORS = AvroBinaryCodec.of(UserVector.class);
    private static final AvroBinaryCodec<ModelUpdate> UPDATES = AvroBinaryCodec.of(ModelUpdate.class);
    /** What the trainer logs when it comes back from a checkpoint (TrainerState.restore). */
    private static final Pattern TRAINER_RESTORED =
            Pattern.compile("^(\\S+) .*versions continue after (\\d+) \\(checkpoint had (\\d+)\\)");

    private static final Pattern FENCED_RECOMMIT = Pattern.compile("because its producer is already fenced");

    /** Kept when the test fails: the processes' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    @Test
    void aTaskManagerKilledMidStreamLosesNoEventAndEndsInTheUninterruptedState() throws Exception {
        long testStarted = System.nanoTime();
        Path jobJar = jobJar();
        ClusterClasspath classpath = ClusterClasspath.fromBuild();
        MovieLensScenario scenario = MovieLensScenario.create(RATINGS, 0, 0, 0, 0, 11L);
        int beforeKill = BEFORE_KILL;
        TopicNames topics = StreamrecJobConfig.builder().build().topics();

        // Kafka and Flink are independent until the job starts: start them side by side
        CompletableFuture<KafkaProcess> starting =
                CompletableFuture.supplyAsync(() -> KafkaProcess.start(dir.resolve("kafka"), classpath));
        try (FlinkSessionCluster flink = startFlink(classpath, starting);
                KafkaProcess kafka = starting.join()) {
            String bootstrap = kafka.bootstrapServers();
            LOG.info(
                    "Kafka and Flink (JobManager + 2 TaskManagers) up in {} ms",
                    millis(System.nanoTime() - testStarted));
            Topics.createIfAbsent(
                    bootstrap,
                    List.of(
                            TopicSpec.of(topics.events(), PARTITIONS),
                            TopicSpec.of(topics.eventsDlq(), 1),
                            TopicSpec.of(topics.userFeatures(), PARTITIONS),
                            TopicSpec.of(topics.userVectors(), PARTITIONS),
                            TopicSpec.of(topics.modelUpdates(), 1).withMaxMessageBytes(2 * 1024 * 1024)));
            scenario.produce(bootstrap, topics.events(), 0, beforeKill);

            JobID job = flink.submit(jobJar, JOB_MAIN, jobArguments(bootstrap), PARALLELISM);
            awaitStatus(flink, job, JobStatus.RUNNING);
            // midway: vectors are committed, the trainer has published a delta after its first FULL, and the job
            // has a checkpoint to come back to
            KafkaTopicReader.readUntil(bootstrap, topics.userVectors(), r -> r.size() >= beforeKill / 3, TIMEOUT);
            KafkaTopicReader.readUntil(
                    bootstrap,
                    topics.modelUpdates(),
                    r -> versions(r).stream().distinct().count() >= 2,
                    TIMEOUT);
            long checkpointsBefore = completedCheckpoints(flink, job);
            awaitCheckpointsAfter(flink, job, checkpointsBefore);

            // the rest of the stream as a backlog (the sentinels carry event time past the last rating), then the kill
            scenario.produce(bootstrap, topics.events(), beforeKill, scenario.records.size());
            scenario.produceWatermarkSentinels(bootstrap, topics.events(), PARTITIONS);
            List<Long> committedBeforeKill = versions(KafkaTopicReader.readAll(bootstrap, topics.modelUpdates()));
            // a TaskManager without tasks of the job could die unnoticed and the test would wait for a restore
            // that never comes: kill one that runs tasks
            SortedSet<Integer> running = flink.taskManagersRunning(job);
            assertThat(running).as("TaskManagers running the job's tasks").isNotEmpty();
            int victim = running.first();
            long killedAt = System.nanoTime();
            CheckpointingStatistics.RestoredCheckpointStatistics restored;
            // the replacement is started by a supervisor, as Kubernetes or systemd would start it
            try (TaskManagerSupervisor supervisor = TaskManagerSupervisor.start(flink)) {
                flink.taskManager(victim).kill();
                restored = awaitRestore(flink, job);
                supervisor.check();
                assertThat(supervisor.restarts())
                        .as("the killed TaskManager, found ended and started again by the supervisor")
                        .extracting(TaskManagerSupervisor.Restart::taskManager)
                        .containsExactly(victim);
            }
            long restoredAt = System.nanoTime();
            awaitStatus(flink, job, JobStatus.RUNNING);
            long runningAt = System.nanoTime();
            LOG.info(
                    "TaskManager {} of {} running the job killed; checkpoint {} restored {} ms later, job RUNNING"
                            + " again after {} ms",
                    victim,
                    running,
                    restored.getId(),
                    millis(restoredAt - killedAt),
                    millis(runningAt - killedAt));

            int expected = scenario.accepted.size();
            KafkaTopicReader.readUntil(bootstrap, topics.userVectors(), r -> realVectors(r) >= expected, TIMEOUT);
            long doneAt = System.nanoTime();
            flink.awaitTaskManagers(2, TIMEOUT);
            List<ConsumerRecord<byte[], byte[]>> vectors = KafkaTopicReader.readAll(bootstrap, topics.userVectors());
            List<ConsumerRecord<byte[], byte[]>> features = KafkaTopicReader.readAll(bootstrap, topics.userFeatures());
            List<ConsumerRecord<byte[], byte[]>> updates = KafkaTopicReader.readAll(bootstrap, topics.modelUpdates());
            List<TrainerRestore> restores = trainerRestores(flink);
            // Flink's KafkaCommitter logs this (at ERROR) when a committable restored from the checkpoint had been
            // committed before the kill: the oracle below shows whether anything was lost
            long fencedRecommits = taskManagerLogLines(flink, FENCED_RECOMMIT).size();
            LOG.info(
                    "Cluster figures: {} events ({} before the kill), TaskManager killed; checkpoint {} restored"
                            + " {} ms after the kill, job RUNNING again after {} ms, every vector committed {} ms"
                            + " after the kill; {} vectors, {} feature snapshots, {} model update records (versions {}),"
                            + " trainer restores {}, committer 'already fenced' reports {}; test {} s",
                    scenario.accepted.size(),
                    beforeKill,
                    restored.getId(),
                    millis(restoredAt - killedAt),
                    millis(runningAt - killedAt),
                    millis(doneAt - killedAt),
                    vectors.size(),
                    features.size(),
                    updates.size(),
                    versions(updates).stream().distinct().toList(),
                    restores,
                    fencedRecommits,
                    millis(System.nanoTime() - testStarted) / 1000);

            assertEveryAcceptedEventHasExactlyOneVector(scenario, vectors);
            assertFinalStateEqualsTheReference(scenario, features);
            assertVectorsNeverGoBack(vectors);
            assertModelUpdatesSurvivedTheRestore(updates, committedBeforeKill, restores);
            assertThat(restored.getId())
                    .as("a completed checkpoint was restored")
                    .isPositive();
        }
    }

    private FlinkSessionCluster startFlink(ClusterClasspath classpath, CompletableFuture<KafkaProcess> kafka)
            throws Exception {
        try {
            return FlinkSessionCluster.start(dir.resolve("flink"), classpath, settings());
        } catch (Exception | Error e) {
            kafka.thenAccept(KafkaProcess::close);
            throw e;
        }
    }

    private FlinkSessionCluster.Settings settings() {
        List<String> jvm = new ArrayList<>(Arrays.asList(
                System.getProperty("streamrec.jvm.opens", "").trim().split("\\s+")));
        jvm.removeIf(String::isBlank);
        jvm.add("-Dai.djl.offline=true");
        jvm.add("-Dai.djl.pytorch.num_threads=1");
        return new FlinkSessionCluster.Settings(
                2,
                2,
                "1024m",
                "2048m",
                Map.of(
                        "execution.checkpointing.dir",
                        dir.resolve("checkpoints").toUri().toString(),
                        "taskmanager.memory.managed.size",
                        "256m",
                        "restart-strategy.type",
                        "fixed-delay",
                        "restart-strategy.fixed-delay.attempts",
                        "20",
                        "restart-strategy.fixed-delay.delay",
                        "1 s"),
                jvm);
    }

    private List<String> jobArguments(String bootstrap) {
        return List.of(
                "--bootstrap-servers",
                bootstrap,
                "--parallelism",
                Integer.toString(PARALLELISM),
                "--model",
                "meanpool",
                "--no-read-profiles",
                "--publish-user-features",
                "--delivery-guarantee",
                "exactly-once",
                "--transactional-id-prefix",
                "tm-failure",
                "--consumer-group",
                "tm-failure",
                "--checkpoint-interval",
                "1s",
                "--delta-interval",
                "2s",
                "--source-idleness",
                "0s",
                "--max-session-items",
                "20",
                "--max-long-term-per-feature",
                "20");
    }

    private static Path jobJar() {
        Path jar = Path.of(System.getProperty("streamrec.job.jar", "../flink-jobs/target/streamrec-job.jar"));
        assertThat(Files.isRegularFile(jar))
                .as("the job jar %s is built by flink-jobs' package phase: ./mvnw -B package -pl flink-jobs -am", jar)
                .isTrue();
        return jar;
    }

    private static void assertEveryAcceptedEventHasExactlyOneVector(
            MovieLensScenario scenario, List<ConsumerRecord<byte[], byte[]>> vectors) {
        Map<String, Long> perEvent = vectors.stream()
                .map(r -> VECTORS.decode(r.value()).getEventId())
                .filter(id -> !id.startsWith("sentinel-"))
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
        List<String> missing = scenario.accepted.stream()
                .map(UserEvent::getEventId)
                .filter(id -> !perEvent.containsKey(id))
                .limit(10)
                .toList();
        assertThat(missing).as("accepted events without a vector").isEmpty();
        assertThat(perEvent.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .limit(10)
                        .toList())
                .as("events with more than one committed vector")
                .isEmpty();
        assertThat(perEvent).hasSize(scenario.accepted.size());
    }

    private static void assertFinalStateEqualsTheReference(
            MovieLensScenario scenario, List<ConsumerRecord<byte[], byte[]>> features) {
        List<ConsumerRecord<byte[], byte[]>> real = features.stream()
                .filter(r -> !new String(r.key(), StandardCharsets.UTF_8).startsWith(MovieLensScenario.SENTINEL_USER))
                .toList();
        assertThat(real).as("one feature snapshot per accepted event").hasSize(scenario.accepted.size());
        Map<String, JsonNode> expected = new HashMap<>();
        scenario.expectedFinalSnapshots(IngestionCheck.POLICY)
                .forEach((user, s) -> expected.put(user, JobOutput.parse(JsonCodecs.FEATURE_SNAPSHOT.encode(s))));
        Map<String, JsonNode> actual = JobOutput.lastSnapshotPerUser(real);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        List<String> differing = expected.keySet().stream()
                .filter(user -> !expected.get(user).equals(actual.get(user)))
                .sorted()
                .toList();
        assertThat(differing)
                .as(() -> differing.size() + " users' final state differs from the reference, first "
                        + differing.get(0) + ":\nexpected " + expected.get(differing.get(0)) + "\nactual   "
                        + actual.get(differing.get(0)))
                .isEmpty();
    }

    /** In partition order (one partition holds a user's vectors), (modelVersion, eventTime) never decreases. */
    private static void assertVectorsNeverGoBack(List<ConsumerRecord<byte[], byte[]>> vectors) {
        Map<String, UserVector> last = new HashMap<>();
        List<String> regressions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : vectors) {
            UserVector v = VECTORS.decode(record.value());
            UserVector previous = last.put(v.getUserId(), v);
            if (previous != null
                    && (v.getModelVersion() < previous.getModelVersion()
                            || (v.getModelVersion() == previous.getModelVersion()
                                    && v.getEventTime() < previous.getEventTime()))) {
                regressions.add(v.getUserId() + ": (" + previous.getModelVersion() + ", " + previous.getEventTime()
                        + ") then (" + v.getModelVersion() + ", " + v.getEventTime() + ")");
            }
        }
        assertThat(regressions)
                .as("vectors that went back in (modelVersion, eventTime)")
                .isEmpty();
    }

    /**
     * The restored trainer's checkpoint had published versions up to {@code checkpointHad}; a restore continues after
     * {@code continuesAfter}, leaving room for what the lost run published past the checkpoint.
     */
    record TrainerRestore(String at, long continuesAfter, long checkpointHad) {}

    /**
     * Exactly once on {@code model-updates}, across the restore: every version the trainer had published when the
     * restored checkpoint was taken is on the topic with all its chunks (the transaction of that checkpoint was
     * committed, whatever the committer logged on recovery); no version the lost run published after it is (its
     * transactions were aborted); the restored trainer's versions follow without a gap from its FULL; and versions
     * only go up.
     */
    private static void assertModelUpdatesSurvivedTheRestore(
            List<ConsumerRecord<byte[], byte[]>> records,
            List<Long> committedBeforeKill,
            List<TrainerRestore> restores) {
        List<ModelUpdate> updates =
                records.stream().map(r -> UPDATES.decode(r.value())).toList();
        List<Long> versions = updates.stream().map(ModelUpdate::getVersion).toList();
        assertThat(versions)
                .as("model versions on model-updates, chunks of a version adjacent")
                .isSorted();
        assertThat(versions).as("versions committed before the kill").containsAll(committedBeforeKill);
        TreeMap<Long, List<ModelUpdate>> chunks = updates.stream()
                .collect(Collectors.groupingBy(ModelUpdate::getVersion, TreeMap::new, Collectors.toList()));
        chunks.forEach((version, parts) -> assertThat(
                        parts.stream().map(ModelUpdate::getChunkIndex).sorted().toList())
                .as("chunks of version %d", version)
                .isEqualTo(
                        IntStream.range(0, parts.get(0).getChunkCount()).boxed().toList()));

        assertThat(restores).as("the trainer came back from a checkpoint").isNotEmpty();
        // versions run 1.. up to what the restored checkpoint had; each restore starts a new run after its gap
        TreeSet<Long> expected = new TreeSet<>();
        long runStart = chunks.keySet().iterator().next();
        for (TrainerRestore restore : restores) {
            for (long v = runStart; v <= restore.checkpointHad(); v++) {
                expected.add(v);
            }
            runStart = Math.max(runStart, restore.continuesAfter() + 1);
        }
        SortedSet<Long> beforeLastRun = chunks.navigableKeySet().headSet(runStart, false);
        assertThat(beforeLastRun)
                .as("versions before the last restored run: those its checkpoint had published, and no other")
                .containsExactlyElementsOf(expected);
        List<Long> lastRun = List.copyOf(chunks.navigableKeySet().tailSet(runStart, true));
        assertThat(lastRun).as("versions after the restore").isNotEmpty();
        assertThat(lastRun.get(0)).as("the restored run's first version").isEqualTo(runStart);
        assertThat(chunks.get(runStart).get(0).getKind())
                .as("the restored run starts with a FULL")
                .isEqualTo(UpdateKind.FULL);
        assertThat(lastRun)
                .as("the restored run's versions, without a gap")
                .isEqualTo(LongStream.range(runStart, runStart + lastRun.size())
                        .boxed()
                        .toList());
    }

    /** The trainer's restores, in the order the TaskManagers logged them. */
    private static List<TrainerRestore> trainerRestores(FlinkSessionCluster flink) throws IOException {
        List<TrainerRestore> restores = new ArrayList<>();
        for (Matcher m : taskManagerLogLines(flink, TRAINER_RESTORED)) {
            restores.add(new TrainerRestore(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
        }
        restores.sort(Comparator.comparing(TrainerRestore::at));
        return restores;
    }

    /** The lines of every TaskManager's log that {@code pattern} finds something in, as matchers. */
    private static List<Matcher> taskManagerLogLines(FlinkSessionCluster flink, Pattern pattern) throws IOException {
        List<Matcher> found = new ArrayList<>();
        for (int tm = 1; tm <= flink.taskManagerCount(); tm++) {
            Path log = flink.dir().resolve("taskmanager-" + tm + ".log");
            if (!Files.exists(log)) {
                continue;
            }
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    private static List<Long> versions(List<ConsumerRecord<byte[], byte[]>> updates) {
        return updates.stream().map(r -> UPDATES.decode(r.value()).getVersion()).toList();
    }

    private static long realVectors(List<ConsumerRecord<byte[], byte[]>> vectors) {
        return vectors.stream()
                .filter(r -> !new String(r.key(), StandardCharsets.UTF_8).startsWith(MovieLensScenario.SENTINEL_USER))
                .count();
    }

    private static void awaitStatus(FlinkSessionCluster flink, JobID job, JobStatus wanted) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JobStatus status = null;
        while (System.nanoTime() < deadline) {
            status = flink.status(job);
            if (status == wanted) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                throw new AssertionError("The job ended " + status + "; JobManager log:\n"
                        + flink.jobManager().logTail(60));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The job is " + status + ", not " + wanted + ", after " + TIMEOUT.toSeconds() + " s");
    }

    private static long completedCheckpoints(FlinkSessionCluster flink, JobID job) throws Exception {
        return flink.checkpoints(job).getCounts().getNumberCompletedCheckpoints();
    }

    private static void awaitCheckpointsAfter(FlinkSessionCluster flink, JobID job, long before) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (completedCheckpoints(flink, job) <= before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("No checkpoint completed within " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    private static CheckpointingStatistics.RestoredCheckpointStatistics awaitRestore(
            FlinkSessionCluster flink, JobID job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            CheckpointingStatistics.RestoredCheckpointStatistics restored =
                    flink.checkpoints(job).getLatestCheckpoints().getRestoredCheckpointStatistics();
            if (restored != null) {
                return restored;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The job did not restore a checkpoint within " + TIMEOUT.toSeconds()
                + " s of the kill; JobManager log:\n" + lastLines(flink.dir().resolve("jobmanager.log"), 60));
    }

    private static String lastLines(Path log, int count) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
