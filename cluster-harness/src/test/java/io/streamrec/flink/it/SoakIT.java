package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.cluster.ClusterClasspath;
import io.streamrec.cluster.FlinkSessionCluster;
import io.streamrec.cluster.KafkaProcess;
import io.streamrec.flink.job.TopicNames;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.flink.job.Topics;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A soak with injected faults and an exactly-once oracle, on the multi-process cluster (a JobManager and two
 * TaskManagers from Flink's entry points, Kafka in its own process). Events are offered at a constant rate while
 * faults strike at seeded random times; then the stream drains and an oracle that shares nothing with the job reads
 * what was produced and what the job committed (read_committed): every accepted event applied exactly once and the
 * final state equal to the reference, no good event in the DLQ, no user's vectors going back in (modelVersion,
 * eventTime), model versions only going up, and each fault's recovery time. The report has the fields.
 *
 * <p>The CI run is short (about 2 minutes of offered load, two faults: a TaskManager killed and the broker
 * restarted). Longer soaks run the same test with {@code -Dsoak.events=N -Dsoak.rate=R
 * -Dsoak.faults=tm-kill,broker-restart,tm-pause,... -Dsoak.seed=S -Dsoak.summary=FILE}, which
 * {@code benchmarks/run soak --duration D --rate R --faults N} sets.
 */
class SoakIT {

    private static final Logger LOG = LoggerFactory.getLogger(SoakIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB_MAIN = "io.streamrec.flink.job.StreamrecJob";
    private static final AvroBinaryCodec<UserVector> VECTORS = AvroBinaryCodec.of(UserVector.class);
    private static final AvroBinaryCodec<ModelUpdate> UPDATES = AvroBinaryCodec.of(ModelUpdate.class);
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 2;
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    /** Longer than the harness's heartbeat timeout (6 s), so that the paused TaskManager is declared lost. */
    private static final Duration PAUSE = Duration.ofSeconds(12);

    private final int events = Integer.getInteger("soak.events", 6_000);
    private final int rate = Integer.getInteger("soak.rate", 50);
    private final List<String> faultKinds = Arrays.stream(
                    System.getProperty("soak.faults", "tm-kill,broker-restart").split(","))
            .map(String::trim)
            .filter(kind -> !kind.isEmpty())
            .toList();
    private final long seed = Long.getLong("soak.seed", 19L);
    /** {@code START:FACTOR:SECONDS}: FACTOR times the rate for SECONDS from START s into the load; none by default. */
    private final Pace pace = Pace.of(rate, System.getProperty("soak.burst", ""));

    /** When record {@code i} is offered: at {@code rate} a second, times {@code factor} during the burst. */
    record Pace(int rate, double burstStart, double factor, double burstSeconds) {

        static Pace of(int rate, String burst) {
            if (burst.isBlank()) {
                return new Pace(rate, 0, 1, 0);
            }
            String[] parts = burst.split(":");
            return new Pace(
                    rate, Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), Double.parseDouble(parts[2]));
        }

        boolean bursts() {
            return burstSeconds > 0;
        }

        double burstEnd() {
            return burstStart + burstSeconds;
        }

        /** Seconds after the start of the load when record {@code i} is due. */
        double dueSec(long i) {
            double before = rate * burstStart;
            double during = rate * factor * burstSeconds;
            if (i < before || !bursts()) {
                return i / (double) rate;
            }
            if (i < before + during) {
                return burstStart + (i - before) / (rate * factor);
            }
            return burstEnd() + (i - before - during) / rate;
        }
    }

    /** Kept when the test fails: the processes' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    /** One injected fault: what, when (seconds after the load started), and how long until the job caught up. */
    record Fault(String kind, double atSec, double recoverySec) {}

    @Test
    void underFaultsEveryAcceptedEventIsAppliedExactlyOnceAndNothingGoesBack() throws Exception {
        ClusterClasspath classpath = ClusterClasspath.fromBuild();
        MovieLensScenario scenario = MovieLensScenario.create(events, 0, 0, 0, 0, seed);
        TopicNames topics = TopicNames.defaults();
        CompletableFuture<KafkaProcess> starting =
                CompletableFuture.supplyAsync(() -> KafkaProcess.start(dir.resolve("kafka"), classpath));
        try (FlinkSessionCluster flink = FlinkSessionCluster.start(dir.resolve("flink"), classpath, settings());
                KafkaProcess kafka = starting.join()) {
            String bootstrap = kafka.bootstrapServers();
            Topics.createIfAbsent(
                    bootstrap,
                    List.of(
                            TopicSpec.of(topics.events(), PARTITIONS),
                            TopicSpec.of(topics.eventsDlq(), 1),
                            TopicSpec.of(topics.userFeatures(), PARTITIONS),
                            TopicSpec.of(topics.userVectors(), PARTITIONS),
                            TopicSpec.of(topics.modelUpdates(), 1).withMaxMessageBytes(2 * 1024 * 1024)));
            JobID job = flink.submit(jobJar(), JOB_MAIN, jobArguments(bootstrap), PARALLELISM);
            awaitStatus(flink, job, JobStatus.RUNNING);

            int count = scenario.records.size();
            AtomicLongArray ackedAt = new AtomicLongArray(count);
            Map<Integer, MovieLensScenario.Landed> landed = new ConcurrentHashMap<>();
            Map<String, Integer> indexOfEvent = new HashMap<>();
            for (int i = 0; i < scenario.accepted.size(); i++) {
                indexOfEvent.put(scenario.accepted.get(i).getEventId(), i);
            }
            try (CommittedVectorsTail tail = new CommittedVectorsTail(bootstrap, topics.userVectors())) {
                long loadStart = System.nanoTime();
                CompletableFuture<Void> offering =
                        CompletableFuture.runAsync(() -> offer(bootstrap, topics.events(), scenario, ackedAt, landed));
                double loadSec = pace.dueSec(count);
                List<Double> times = faultTimes(loadSec, faultKinds.size());
                List<Double> injected = new ArrayList<>();
                for (int f = 0; f < faultKinds.size(); f++) {
                    sleepUntil(loadStart, times.get(f));
                    injected.add(seconds(System.nanoTime() - loadStart));
                    inject(faultKinds.get(f), flink, job, kafka);
                    LOG.info("Soak: fault {} ({}) at {} s", f + 1, faultKinds.get(f), injected.get(f));
                }
                offering.join();
                scenario.produceWatermarkSentinels(bootstrap, topics.events(), PARTITIONS);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (tail.seen() < scenario.accepted.size()) {
                    assertThat(System.nanoTime())
                            .as("every accepted event's vector committed (%d of %d)", tail.seen(), events)
                            .isLessThan(deadline);
                    Thread.sleep(500);
                }
                double drainedAt = seconds(System.nanoTime() - loadStart);
                flink.awaitTaskManagers(2, TIMEOUT);

                List<Fault> faults = new ArrayList<>();
                for (int f = 0; f < injected.size(); f++) {
                    faults.add(new Fault(
                            faultKinds.get(f),
                            injected.get(f),
                            recoverySec(injected.get(f), loadStart, scenario, ackedAt, tail.firstSeen, indexOfEvent)));
                }
                ObjectNode report = oracle(scenario, landed, bootstrap, topics, faults, loadSec, drainedAt);
                if (pace.bursts()) {
                    report.set(
                            "burst",
                            burstFigures(flink, loadStart, loadSec, scenario, ackedAt, tail.firstSeen, indexOfEvent));
                }
                Path summary = Path.of(System.getProperty("soak.summary", "target/soak-summary.json"));
                Files.createDirectories(summary.toAbsolutePath().getParent());
                Files.writeString(summary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
                LOG.info("Soak report ({}):\n{}", summary, report.toPrettyString());

                assertThat(report.get("eventsApplied").asLong()).isEqualTo(scenario.accepted.size());
                for (String counter : List.of(
                        "lost",
                        "duplicatedInState",
                        "stateMismatches",
                        "goodInDlq",
                        "vectorRegressions",
                        "versionRegressions")) {
                    assertThat(report.get(counter).asLong())
                            .as(counter + " in " + report)
                            .isZero();
                }
                assertThat(report.get("faults")).hasSize(faultKinds.size());
            }
        }
    }

    /** Offers every planned record at {@link #rate} a second, recording when each was acknowledged. */
    private void offer(
            String bootstrap,
            String topic,
            MovieLensScenario scenario,
            AtomicLongArray ackedAt,
            Map<Integer, MovieLensScenario.Landed> landed) {
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        // one request in flight and patient timeouts: a broker restart delays records, never loses
                        // or reorders them
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                        ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < scenario.records.size(); i++) {
                MovieLensScenario.Planned p = scenario.records.get(i);
                int index = i;
                producer.send(
                        new ProducerRecord<>(
                                topic, p.key() == null ? null : p.key().getBytes(), p.value()),
                        (metadata, error) -> {
                            if (error == null) {
                                ackedAt.set(index, System.nanoTime());
                                landed.put(
                                        index, new MovieLensScenario.Landed(metadata.partition(), metadata.offset()));
                            } else {
                                LOG.error("Soak: record {} not produced", index, error);
                            }
                        });
                long due = started + (long) (pace.dueSec(i + 1) * 1e9);
                long waitMillis = (due - System.nanoTime()) / 1_000_000;
                if (waitMillis > 0) {
                    Thread.sleep(waitMillis);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < ackedAt.length(); i++) {
            assertThat(ackedAt.get(i)).as("record %d acknowledged", i).isNotZero();
        }
    }

    /**
     * What a burst did: vectors committed per 5 s (they never stop), the longest gap between two committed vectors
     * while events were waiting, the largest event-to-committed-vector lag, how long after the burst the job caught
     * up with every event offered until its end, and the trainer's share of examples trained.
     */
    private ObjectNode burstFigures(
            FlinkSessionCluster flink,
            long loadStart,
            double loadSec,
            MovieLensScenario scenario,
            AtomicLongArray ackedAt,
            Map<String, Long> firstSeen,
            Map<String, Integer> indexOfEvent)
            throws Exception {
        ObjectNode burst = JSON.createObjectNode();
        burst.put("startSec", pace.burstStart());
        burst.put("factor", pace.factor());
        burst.put("seconds", pace.burstSeconds());
        burst.put("offeredRateDuring", Math.round(pace.rate() * pace.factor()));
        List<Double> seen = firstSeen.values().stream()
                .map(t -> seconds(t - loadStart))
                .sorted()
                .toList();
        int windows = (int) Math.ceil(seen.get(seen.size() - 1) / 5) + 1;
        int[] perWindow = new int[windows];
        seen.forEach(t -> perWindow[Math.max(0, (int) (t / 5))]++);
        ArrayNode rates = burst.putArray("vectorsPerSecEvery5s");
        for (int n : perWindow) {
            rates.add(n / 5.0);
        }
        double maxGap = 0;
        for (int i = 1; i < seen.size(); i++) {
            if (seen.get(i - 1) >= 0 && seen.get(i - 1) < loadSec) {
                maxGap = Math.max(maxGap, seen.get(i) - seen.get(i - 1));
            }
        }
        burst.put("maxGapBetweenVectorsSec", round(maxGap));
        double maxLag = 0;
        for (int i = 0; i < scenario.accepted.size(); i++) {
            String id = scenario.accepted.get(i).getEventId();
            long acked = ackedAt.get(indexOfEvent.get(id));
            Long committed = firstSeen.get(id);
            if (acked != 0 && committed != null) {
                maxLag = Math.max(maxLag, seconds(committed - acked));
            }
        }
        burst.put("maxLagSec", round(maxLag));
        burst.put(
                "caughtUpAfterBurstSec",
                round(recoverySec(pace.burstEnd(), loadStart, scenario, ackedAt, firstSeen, indexOfEvent)));
        burst.put("trainerFractionTrainedLast", trainerFractionTrained(flink));
        return burst;
    }

    private static final Pattern TRAINER_PROGRESS = Pattern.compile("seen (\\d+) trained (\\d+) \\(([\\d.]+)%\\)");

    /**
     * The trainer's trained share in its last periodic log line (examples still in its mixing buffer count as not
     * trained, so at a few thousand examples the share stays well below 1 even when none was skipped).
     */
    private static double trainerFractionTrained(FlinkSessionCluster flink) throws Exception {
        double result = Double.NaN;
        long lastSeen = -1;
        for (int tm = 1; tm <= flink.taskManagerCount(); tm++) {
            Path log = flink.dir().resolve("taskmanager-" + tm + ".log");
            if (!Files.exists(log)) {
                continue;
            }
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                Matcher m = TRAINER_PROGRESS.matcher(line);
                if (!m.find()) {
                    continue;
                }
                long seenExamples = Long.parseLong(m.group(1));
                double fraction = Double.parseDouble(m.group(3)) / 100;
                if (seenExamples > lastSeen) {
                    lastSeen = seenExamples;
                    result = fraction;
                }
            }
        }
        return Double.isNaN(result) ? -1 : round(result * 1000) / 1000;
    }

    /** {@code n} times in the middle 70 % of the load, seeded, at least a fifth of the load apart when they fit. */
    private List<Double> faultTimes(double loadSec, int n) {
        Random random = new Random(seed);
        double gap = loadSec * 0.7 / Math.max(1, n);
        List<Double> times = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            times.add(loadSec * 0.15 + f * gap + random.nextDouble() * gap * 0.5);
        }
        return times;
    }

    private static void inject(String kind, FlinkSessionCluster flink, JobID job, KafkaProcess kafka) throws Exception {
        switch (kind) {
            case "tm-kill" -> {
                int victim = taskManagerRunning(flink, job);
                flink.taskManager(victim).kill();
                flink.restartTaskManager(victim);
            }
            case "broker-restart" -> {
                kafka.process().kill();
                kafka.restart();
            }
            case "tm-pause" -> {
                int victim = taskManagerRunning(flink, job);
                flink.taskManager(victim).pause();
                Thread.sleep(PAUSE.toMillis());
                flink.taskManager(victim).resume();
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown fault kind '" + kind + "': tm-kill, broker-restart or tm-pause");
        }
    }

    /** A TaskManager whose loss the job notices: one without tasks could die and the fault would test nothing. */
    private static int taskManagerRunning(FlinkSessionCluster flink, JobID job) throws Exception {
        SortedSet<Integer> running = flink.taskManagersRunning(job);
        if (running.isEmpty()) {
            throw new IllegalStateException("no TaskManager runs a task of " + job + " at the fault");
        }
        return running.first();
    }

    /**
     * Seconds from the fault until every event acknowledged before it had its vector committed: how long the job
     * took to catch up with the offered stream. 0 when it was already caught up.
     */
    private static double recoverySec(
            double faultSec,
            long loadStart,
            MovieLensScenario scenario,
            AtomicLongArray ackedAt,
            Map<String, Long> firstSeen,
            Map<String, Integer> indexOfEvent) {
        long fault = loadStart + (long) (faultSec * 1e9);
        long latest = fault;
        for (int i = 0; i < scenario.accepted.size(); i++) {
            String id = scenario.accepted.get(i).getEventId();
            long acked = ackedAt.get(indexOfEvent.get(id));
            Long seen = firstSeen.get(id);
            if (acked != 0 && acked <= fault && seen != null) {
                latest = Math.max(latest, seen);
            }
        }
        return seconds(latest - fault);
    }

    /** Reads what the job committed and compares it with what was produced. */
    private ObjectNode oracle(
            MovieLensScenario scenario,
            Map<Integer, MovieLensScenario.Landed> landed,
            String bootstrap,
            TopicNames topics,
            List<Fault> faults,
            double loadSec,
            double drainedAt) {
        List<ConsumerRecord<byte[], byte[]>> features =
                realRecords(KafkaTopicReader.readAll(bootstrap, topics.userFeatures()));
        List<ConsumerRecord<byte[], byte[]>> vectors =
                realRecords(KafkaTopicReader.readAll(bootstrap, topics.userVectors()));
        List<ConsumerRecord<byte[], byte[]>> dlq = KafkaTopicReader.readAll(bootstrap, topics.eventsDlq());
        List<ConsumerRecord<byte[], byte[]>> updates = KafkaTopicReader.readAll(bootstrap, topics.modelUpdates());

        Map<String, Integer> applied = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : features) {
            applied.merge(JobOutput.parse(r.value()).get("eventId").asText(), 1, Integer::sum);
        }
        long lost = scenario.accepted.stream()
                .filter(e -> !applied.containsKey(e.getEventId()))
                .count();
        long duplicated = applied.values().stream()
                .filter(n -> n > 1)
                .mapToLong(n -> n - 1)
                .sum();
        Map<String, JsonNode> expected = new HashMap<>();
        scenario.expectedFinalSnapshots(IngestionCheck.POLICY)
                .forEach((user, s) -> expected.put(user, JobOutput.parse(JsonCodecs.FEATURE_SNAPSHOT.encode(s))));
        Map<String, JsonNode> actual = JobOutput.lastSnapshotPerUser(features);
        Set<String> users = new TreeSet<>(expected.keySet());
        users.addAll(actual.keySet());
        long stateMismatches = users.stream()
                .filter(u -> !expected.getOrDefault(u, JSON.nullNode()).equals(actual.get(u)))
                .count();

        Set<MovieLensScenario.Landed> good = new HashSet<>();
        for (int i = 0; i < scenario.records.size(); i++) {
            if (scenario.records.get(i).refusedFor() == null) {
                good.add(landed.get(i));
            }
        }
        long goodInDlq = JobOutput.deadLetters(dlq).stream()
                .filter(letter -> good.contains(letter.source()))
                .count();

        Map<String, UserVector> last = new HashMap<>();
        long vectorRegressions = 0;
        for (ConsumerRecord<byte[], byte[]> r : vectors) {
            UserVector v = VECTORS.decode(r.value());
            UserVector previous = last.put(v.getUserId(), v);
            if (previous != null
                    && (v.getModelVersion() < previous.getModelVersion()
                            || (v.getModelVersion() == previous.getModelVersion()
                                    && v.getEventTime() < previous.getEventTime()))) {
                vectorRegressions++;
            }
        }
        long versionRegressions = 0;
        long previousVersion = Long.MIN_VALUE;
        for (ConsumerRecord<byte[], byte[]> r : updates) {
            long version = UPDATES.decode(r.value()).getVersion();
            if (version < previousVersion) {
                versionRegressions++;
            }
            previousVersion = Math.max(previousVersion, version);
        }

        ObjectNode report = JSON.createObjectNode();
        report.put("durationSec", round(loadSec));
        report.put("offeredRate", rate);
        report.put("seed", seed);
        ArrayNode faultNodes = report.putArray("faults");
        for (Fault f : faults) {
            faultNodes
                    .addObject()
                    .put("kind", f.kind())
                    .put("atSec", round(f.atSec()))
                    .put("recoverySec", round(f.recoverySec()));
        }
        report.put("eventsProduced", scenario.records.size());
        report.put("eventsApplied", applied.size());
        report.put("lost", lost);
        report.put("duplicatedInState", duplicated);
        report.put("stateMismatches", stateMismatches);
        report.put("goodInDlq", goodInDlq);
        report.put("dlq", dlq.size());
        report.put("vectors", vectors.size());
        report.put("vectorRegressions", vectorRegressions);
        report.put(
                "modelVersions",
                updates.stream()
                        .map(r -> UPDATES.decode(r.value()).getVersion())
                        .distinct()
                        .count());
        report.put("versionRegressions", versionRegressions);
        report.put(
                "maxRecoverySec",
                round(faults.stream().mapToDouble(Fault::recoverySec).max().orElse(0)));
        report.put("drainedAtSec", round(drainedAt));
        return report;
    }

    private static List<ConsumerRecord<byte[], byte[]>> realRecords(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .filter(r -> !new String(r.key(), StandardCharsets.UTF_8).startsWith(MovieLensScenario.SENTINEL_USER))
                .toList();
    }

    /** Follows a topic of user vectors, committed records only, noting when each event's first vector appeared. */
    private static final class CommittedVectorsTail implements AutoCloseable {
        final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        CommittedVectorsTail(String bootstrap, String topic) {
            thread = new Thread(() -> follow(bootstrap, topic), "soak-vectors-tail");
            thread.setDaemon(true);
            thread.start();
        }

        private void follow(String bootstrap, String topic) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrap,
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed",
                            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                            false),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running.get()) {
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        String id = VECTORS.decode(r.value()).getEventId();
                        if (!id.startsWith("sentinel-")) {
                            firstSeen.putIfAbsent(id, now);
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (running.get()) {
                    LOG.error("Soak: the vectors tail stopped", e);
                }
            }
        }

        int seen() {
            return firstSeen.size();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
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
                        "100",
                        "restart-strategy.fixed-delay.delay",
                        "1 s"),
                jvm);
    }

    private static List<String> jobArguments(String bootstrap) {
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
                "soak",
                "--consumer-group",
                "soak",
                "--checkpoint-interval",
                "2s",
                "--delta-interval",
                "5s",
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

    private static void sleepUntil(long start, double atSec) throws InterruptedException {
        long waitMillis = (start + (long) (atSec * 1e9) - System.nanoTime()) / 1_000_000;
        if (waitMillis > 0) {
            Thread.sleep(waitMillis);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double round(double value) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.1f", value));
    }
}
