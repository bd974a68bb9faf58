package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.cluster.ClusterClasspath;
import io.streamrec.cluster.FlinkSessionCluster;
import io.streamrec.cluster.KafkaProcess;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.job.TopicNames;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.flink.job.Topics;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;
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
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A soak with injected faults and an exactly-once oracle, on the multi-process cluster (a JobManager and two
 * TaskManagers from Flink's entry points, Kafka in its own process). Events are offered at a constant rate while
 * faults strike at seeded random times: a TaskManager killed ({@code tm-kill}), the broker restarted
 * ({@code broker-restart}), a TaskManager frozen past the heartbeat timeout ({@code tm-pause}), the job cancelled and
 * submitted again from the checkpoint it retained ({@code cancel-resume}). Then the stream drains and an oracle that
 * shares nothing with the job reads what was produced and what the job committed (read_committed): every accepted
 * event applied exactly once and the final state equal to the reference, no good event in the DLQ, no user's vectors
 * going back in (modelVersion, eventTime), model versions only going up, and per fault the time until vectors were
 * committed at the offered rate again ({@link OfferedRateRecovery}) beside the time until the job caught up with
 * everything offered before the fault. The report has the fields.
 *
 * <p>The events are the first ml-latest-small ratings (at most 100,836), or with {@code -Dsoak.stream=synthetic} a
 * seeded stream of any length ({@link SyntheticEvents}), so a soak can offer any rate for any duration with an exact
 * reference. With {@code -Dsoak.findRate=true} the test instead finds the highest rate the cluster sustains without
 * faults.
 *
 * <p>The CI run is short (about 2 minutes of offered load, two faults: a TaskManager killed and the broker
 * restarted). Longer soaks run the same test with {@code -Dsoak.events=N -Dsoak.rate=R
 * -Dsoak.faults=tm-kill,broker-restart,tm-pause,cancel-resume,... -Dsoak.seed=S -Dsoak.stream=synthetic
 * -Dsoak.summary=FILE}, which {@code benchmarks/run soak --duration D --rate R --faults N --stream synthetic} sets.
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

    private static final int MOVIELENS_RATINGS = 100_836;

    private final int events = Integer.getInteger("soak.events", 6_000);
    private final int rate = Integer.getInteger("soak.rate", 50);
    private final List<String> faultKinds = Arrays.stream(
                    System.getProperty("soak.faults", "tm-kill,broker-restart").split(","))
            .map(String::trim)
            .filter(kind -> !kind.isEmpty())
            .toList();
    private final long seed = Long.getLong("soak.seed", 19L);
    /** {@code movielens} (the first ratings of ml-latest-small, at most 100,836) or {@code synthetic}, any length. */
    private final String stream = System.getProperty("soak.stream", "movielens");

    private final int users = Integer.getInteger("soak.users", 10_000);
    private final int items = Integer.getInteger("soak.items", 5_000);
    /** How long the job may take after the load to commit every accepted event's vector (a long soak needs more). */
    private final Duration drainTimeout = Duration.ofSeconds(Long.getLong("soak.drainTimeoutSec", TIMEOUT.toSeconds()));
    /** The job running now: a cancel-resume fault replaces it with the job restored from its checkpoint. */
    private final AtomicReference<JobID> job = new AtomicReference<>();
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

    /**
     * One injected fault: what, when (seconds after the load started), how long until the job committed vectors at
     * the offered rate again ({@link OfferedRateRecovery}; NaN if it never did while observed), how long until every
     * event offered before the fault had its vector, and what the fault did (the checkpoint a resumed job restored).
     */
    record Fault(String kind, double atSec, double recoverySec, double catchUpSec, String detail) {}

    @Test
    @DisabledIfSystemProperty(named = "soak.findRate", matches = "true", disabledReason = "the rate probe runs instead")
    void underFaultsEveryAcceptedEventIsAppliedExactlyOnceAndNothingGoesBack() throws Exception {
        ClusterClasspath classpath = ClusterClasspath.fromBuild();
        MovieLensScenario scenario = scenario(events);
        TopicNames topics = StreamrecJobConfig.builder().build().topics();
        CompletableFuture<KafkaProcess> starting =
                CompletableFuture.supplyAsync(() -> KafkaProcess.start(dir.resolve("kafka"), classpath));
        try (FlinkSessionCluster flink = FlinkSessionCluster.start(dir.resolve("flink"), classpath, settings());
                KafkaProcess kafka = starting.join()) {
            String bootstrap = kafka.bootstrapServers();
            createTopics(bootstrap, topics);
            job.set(flink.submit(jobJar(), JOB_MAIN, jobArguments(bootstrap), PARALLELISM));
            awaitStatus(flink, job.get(), JobStatus.RUNNING);

            int count = scenario.records.size();
            AtomicLongArray ackedAt = new AtomicLongArray(count);
            Map<Integer, MovieLensScenario.Landed> landed = new ConcurrentHashMap<>();
            Map<String, Integer> indexOfEvent = new HashMap<>();
            for (int i = 0; i < scenario.accepted.size(); i++) {
                indexOfEvent.put(scenario.accepted.get(i).getEventId(), i);
            }
            try (CommittedVectorsTail tail = new CommittedVectorsTail(bootstrap, topics.userVectors());
                    TaskManagerSupervisor supervisor = TaskManagerSupervisor.start(flink)) {
                long loadStart = System.nanoTime();
                LocalTime clockAtLoadStart = LocalTime.now();
                CompletableFuture<Void> offering = CompletableFuture.runAsync(
                        () -> offer(bootstrap, topics.events(), scenario, pace::dueSec, ackedAt, landed, null));
                double loadSec = pace.dueSec(count);
                List<Double> times = faultTimes(loadSec, faultKinds.size());
                List<Double> injected = new ArrayList<>();
                List<String> details = new ArrayList<>();
                for (int f = 0; f < faultKinds.size(); f++) {
                    sleepUntil(loadStart, times.get(f));
                    injected.add(seconds(System.nanoTime() - loadStart));
                    synchronized (supervisor.lock()) {
                        details.add(inject(faultKinds.get(f), flink, kafka, bootstrap));
                    }
                    LOG.info("Soak: fault {} ({}) at {} s", f + 1, faultKinds.get(f), injected.get(f));
                }
                offering.join();
                scenario.produceWatermarkSentinels(bootstrap, topics.events(), PARTITIONS);
                long deadline = System.nanoTime() + drainTimeout.toNanos();
                while (tail.seen() < scenario.accepted.size()) {
                    assertThat(System.nanoTime())
                            .as("every accepted event's vector committed (%d of %d)", tail.seen(), events)
                            .isLessThan(deadline);
                    Thread.sleep(500);
                }
                double drainedAt = seconds(System.nanoTime() - loadStart);
                supervisor.check();
                flink.awaitTaskManagers(2, TIMEOUT);

                OfferedRateRecovery toOfferedRate = OfferedRateRecovery.of(
                        IntStream.range(0, count).mapToDouble(pace::dueSec).toArray(),
                        tail.firstSeen.values().stream()
                                .mapToDouble(t -> seconds(t - loadStart))
                                .toArray(),
                        drainedAt);
                List<Fault> faults = new ArrayList<>();
                for (int f = 0; f < injected.size(); f++) {
                    faults.add(new Fault(
                            faultKinds.get(f),
                            injected.get(f),
                            toOfferedRate.recoverySec(injected.get(f)),
                            recoverySec(injected.get(f), loadStart, scenario, ackedAt, tail.firstSeen, indexOfEvent),
                            details.get(f)));
                }
                ObjectNode report = oracle(scenario, landed, bootstrap, topics, faults, loadSec, drainedAt);
                ArrayNode restarts = report.putArray("taskManagersEndedOnTheirOwn");
                for (TaskManagerSupervisor.Restart restart : supervisor.restarts()) {
                    restarts.addObject()
                            .put("taskManager", restart.taskManager())
                            .put("atSec", round(seconds(restart.atNanos() - loadStart)))
                            .put("reason", restart.reason());
                }
                if (pace.bursts()) {
                    report.set(
                            "burst",
                            burstFigures(
                                    flink,
                                    loadStart,
                                    clockAtLoadStart,
                                    loadSec,
                                    scenario,
                                    ackedAt,
                                    tail.firstSeen,
                                    indexOfEvent));
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

    /**
     * The highest rate the cluster sustains without faults, found on a ladder of offered rates over a synthetic
     * stream: after a warm-up at the first rate (the job starts, the trainer publishes its first model), each rate is
     * offered for {@code soak.stepSec} seconds and judged on the step's second half. A rate is sustained when the
     * producer managed it (acknowledged at least {@code soak.share} of it), the job committed vectors at least at
     * that share of the acknowledged rate (between commit instants, see {@link OfferedRateRecovery}), and every event
     * acknowledged in that half had its vector committed within {@code soak.lagBoundSec} seconds. The ladder stops at
     * the first rate not sustained; the report names the last one sustained. {@code benchmarks/run soak --find-rate}.
     */
    @Test
    @EnabledIfSystemProperty(
            named = "soak.findRate",
            matches = "true",
            disabledReason = "a measurement of minutes, run on purpose: benchmarks/run soak --find-rate")
    void findTheHighestRateTheClusterSustainsWithoutFaults() throws Exception {
        int[] rates = Arrays.stream(System.getProperty("soak.rates", "100,200,300,400,600,800,1000,1300,1600,2000")
                        .split(","))
                .map(String::trim)
                .mapToInt(Integer::parseInt)
                .toArray();
        double stepSec = Double.parseDouble(System.getProperty("soak.stepSec", "60"));
        double warmupSec = Double.parseDouble(System.getProperty("soak.warmupSec", "30"));
        double lagBoundSec = Double.parseDouble(System.getProperty("soak.lagBoundSec", "15"));
        double share = Double.parseDouble(System.getProperty("soak.share", "0.97"));
        RateLadder ladder = new RateLadder(rates, warmupSec, stepSec);
        int count = ladder.records();
        LOG.info(
                "Rate probe: {} synthetic events for rates {} ({} s each after {} s of warm-up)",
                count,
                rates,
                stepSec,
                warmupSec);
        MovieLensScenario scenario = MovieLensScenario.ofEvents(SyntheticEvents.generate(count, users, items, seed));
        Map<String, Integer> indexOfEvent = new HashMap<>();
        for (int i = 0; i < scenario.accepted.size(); i++) {
            indexOfEvent.put(scenario.accepted.get(i).getEventId(), i);
        }
        ClusterClasspath classpath = ClusterClasspath.fromBuild();
        TopicNames topics = StreamrecJobConfig.builder().build().topics();
        CompletableFuture<KafkaProcess> starting =
                CompletableFuture.supplyAsync(() -> KafkaProcess.start(dir.resolve("kafka"), classpath));
        try (FlinkSessionCluster flink = FlinkSessionCluster.start(dir.resolve("flink"), classpath, settings());
                KafkaProcess kafka = starting.join()) {
            String bootstrap = kafka.bootstrapServers();
            createTopics(bootstrap, topics);
            job.set(flink.submit(jobJar(), JOB_MAIN, jobArguments(bootstrap), PARALLELISM));
            awaitStatus(flink, job.get(), JobStatus.RUNNING);
            AtomicLongArray ackedAt = new AtomicLongArray(count);
            AtomicBoolean stop = new AtomicBoolean();
            ObjectNode report = JSON.createObjectNode();
            report.put("probe", "highest offered rate sustained without faults");
            report.put(
                    "cluster",
                    "JobManager + 2 TaskManagers x 2 slots (separate JVMs), Kafka in its own JVM, parallelism 2, "
                            + "exactly-once, checkpoints every 2 s, meanpool, user features published");
            report.put("stream", "synthetic: " + users + " users, " + items + " items, seed " + seed);
            report.put("warmupSec", warmupSec);
            report.put("stepSec", stepSec);
            report.put("lagBoundSec", lagBoundSec);
            report.put("share", share);
            ArrayNode steps = report.putArray("steps");
            int sustained = 0;
            try (CommittedVectorsTail tail = new CommittedVectorsTail(bootstrap, topics.userVectors())) {
                long loadStart = System.nanoTime();
                CompletableFuture<Void> offering = CompletableFuture.runAsync(() -> offer(
                        bootstrap,
                        topics.events(),
                        scenario,
                        ladder::dueSec,
                        ackedAt,
                        new ConcurrentHashMap<>(),
                        stop));
                try {
                    for (int k = 0; k < rates.length; k++) {
                        double from = warmupSec + k * stepSec + stepSec / 2;
                        double to = warmupSec + (k + 1) * stepSec;
                        sleepUntil(loadStart, to + lagBoundSec);
                        ObjectNode step = judge(
                                rates[k],
                                from,
                                to,
                                lagBoundSec,
                                share,
                                loadStart,
                                ackedAt,
                                tail.firstSeen,
                                indexOfEvent);
                        steps.add(step);
                        LOG.info("Rate probe: {}", step);
                        if (!step.get("sustained").asBoolean()) {
                            break;
                        }
                        sustained = rates[k];
                    }
                } finally {
                    stop.set(true);
                    offering.join();
                }
            }
            report.put("sustainedRate", sustained);
            Path summary = Path.of(System.getProperty("soak.summary", "target/soak-rate.json"));
            Files.createDirectories(summary.toAbsolutePath().getParent());
            Files.writeString(summary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
            LOG.info("Rate probe report ({}):\n{}", summary, report.toPrettyString());
            assertThat(steps).as("at least one rate judged").isNotEmpty();
        }
    }

    /** Offered rates in steps: a warm-up at the first rate, then each rate for the same number of seconds. */
    record RateLadder(int[] rates, double warmupSec, double stepSec) {

        int records() {
            double total = rates[0] * warmupSec;
            for (int rate : rates) {
                total += rate * stepSec;
            }
            return (int) total;
        }

        /** Seconds after the start when record {@code i} is due. */
        double dueSec(int i) {
            double before = rates[0] * warmupSec;
            if (i < before) {
                return i / (double) rates[0];
            }
            double at = warmupSec;
            for (int rate : rates) {
                double inStep = rate * stepSec;
                if (i < before + inStep) {
                    return at + (i - before) / rate;
                }
                before += inStep;
                at += stepSec;
            }
            return at;
        }
    }

    /**
     * One step of the rate probe, judged on {@code [from, to]} seconds after the start: what the producer got
     * acknowledged, what the job committed (between the first and last commit instants in the window, so whole
     * transactions are counted), and the largest delay from an acknowledgement to the vector's commit (an event still
     * without a vector counts as waiting until now).
     */
    private static ObjectNode judge(
            int rate,
            double from,
            double to,
            double lagBoundSec,
            double share,
            long loadStart,
            AtomicLongArray ackedAt,
            Map<String, Long> firstSeen,
            Map<String, Integer> indexOfEvent) {
        long now = System.nanoTime();
        long[] committedAt = new long[ackedAt.length()];
        List<Double> instants = new ArrayList<>();
        firstSeen.forEach((id, t) -> {
            committedAt[indexOfEvent.get(id)] = t;
            double sec = seconds(t - loadStart);
            if (sec >= from && sec <= to) {
                instants.add(sec);
            }
        });
        long acked = 0;
        double maxLag = 0;
        for (int i = 0; i < ackedAt.length(); i++) {
            long ack = ackedAt.get(i);
            double ackSec = seconds(ack - loadStart);
            if (ack == 0 || ackSec < from || ackSec > to) {
                continue;
            }
            acked++;
            long committed = committedAt[i] != 0 ? committedAt[i] : now;
            maxLag = Math.max(maxLag, seconds(committed - ack));
        }
        double ackedRate = acked / (to - from);
        double first = instants.stream().mapToDouble(Double::doubleValue).min().orElse(to);
        double last = instants.stream().mapToDouble(Double::doubleValue).max().orElse(from);
        long between = instants.stream().filter(t -> t > first && t <= last).count();
        double committedRate = last > first ? between / (last - first) : 0;
        String verdict;
        if (ackedRate < share * rate) {
            verdict = "the producer got only " + Math.round(ackedRate) + "/s acknowledged";
        } else if (committedRate < share * ackedRate) {
            verdict = "vectors committed at " + Math.round(committedRate) + "/s";
        } else if (maxLag > lagBoundSec) {
            verdict = "an event waited " + round(maxLag) + " s for its vector";
        } else {
            verdict = "sustained";
        }
        ObjectNode step = JSON.createObjectNode();
        step.put("offeredRate", rate);
        step.put("ackedRate", round(ackedRate));
        step.put("committedRate", round(committedRate));
        step.put("maxLagSec", round(maxLag));
        step.put("judgedFromSec", round(from));
        step.put("judgedToSec", round(to));
        step.put("sustained", verdict.equals("sustained"));
        step.put("verdict", verdict);
        return step;
    }

    /** The soak's events: the first ml-latest-small ratings, or a synthetic stream of any length. */
    private MovieLensScenario scenario(int count) {
        return switch (stream) {
            case "synthetic" -> MovieLensScenario.ofEvents(SyntheticEvents.generate(count, users, items, seed));
            case "movielens" -> {
                if (count > MOVIELENS_RATINGS) {
                    throw new IllegalArgumentException(count + " events asked, but ml-latest-small has "
                            + MOVIELENS_RATINGS + " ratings: lower the rate or the duration, or use "
                            + "-Dsoak.stream=synthetic");
                }
                yield MovieLensScenario.create(count, 0, 0, 0, 0, seed);
            }
            default ->
                throw new IllegalArgumentException(
                        "soak.stream is '" + stream + "': use movielens (at most 100,836 events) or synthetic");
        };
    }

    private static void createTopics(String bootstrap, TopicNames topics) {
        Topics.createIfAbsent(
                bootstrap,
                List.of(
                        TopicSpec.of(topics.events(), PARTITIONS),
                        TopicSpec.of(topics.eventsDlq(), 1),
                        TopicSpec.of(topics.userFeatures(), PARTITIONS),
                        TopicSpec.of(topics.userVectors(), PARTITIONS),
                        TopicSpec.of(topics.modelUpdates(), 1).withMaxMessageBytes(2 * 1024 * 1024)));
    }

    /**
     * Offers every planned record when it is due ({@code dueSec} seconds after the start), recording when each was
     * acknowledged; stops early when {@code stop} is set.
     */
    private static void offer(
            String bootstrap,
            String topic,
            MovieLensScenario scenario,
            IntToDoubleFunction dueSec,
            AtomicLongArray ackedAt,
            Map<Integer, MovieLensScenario.Landed> landed,
            AtomicBoolean stop) {
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
            for (int i = 0; i < scenario.records.size() && (stop == null || !stop.get()); i++) {
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
                long due = started + (long) (dueSec.applyAsDouble(i + 1) * 1e9);
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
        for (int i = 0; i < ackedAt.length() && stop == null; i++) {
            assertThat(ackedAt.get(i)).as("record %d acknowledged", i).isNotZero();
        }
    }

    /**
     * What a burst did: vectors committed per 5 s (they never stop), the longest gap between two committed vectors
     * while events were waiting, the largest event-to-committed-vector lag, how long after the burst the job caught
     * up with every event offered until its end, and what the trainer saw and trained before, during and after the
     * burst (it must sample a burst's examples rather than hold the vector path back).
     */
    private ObjectNode burstFigures(
            FlinkSessionCluster flink,
            long loadStart,
            LocalTime clockAtLoadStart,
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
        TrainerProgress trainer = TrainerProgress.read(
                IntStream.rangeClosed(1, flink.taskManagerCount())
                        .mapToObj(tm -> flink.dir().resolve("taskmanager-" + tm + ".log"))
                        .toList(),
                clockAtLoadStart);
        burst.put("trainerFractionTrainedLast", round(trainer.fractionTrained() * 1000) / 1000);
        ObjectNode trainerWindows = burst.putObject("trainer");
        double start = pace.burstStart();
        double end = pace.burstEnd();
        putTrainerWindow(trainerWindows, "before", trainer.between(Math.max(0, start - pace.burstSeconds()), start));
        putTrainerWindow(trainerWindows, "during", trainer.between(start, end));
        putTrainerWindow(trainerWindows, "after", trainer.between(end, Math.min(loadSec, end + pace.burstSeconds())));
        return burst;
    }

    private static void putTrainerWindow(ObjectNode windows, String name, Optional<TrainerProgress.Window> window) {
        window.ifPresent(w -> {
            ObjectNode node = windows.putObject(name);
            node.put("fromSec", round(w.fromSec()));
            node.put("toSec", round(w.toSec()));
            node.put("examplesSeenPerSec", round(w.seenPerSec()));
            node.put("examplesTrainedPerSec", round(w.trainedPerSec()));
            node.put("trainedShare", round(w.trainedShare() * 1000) / 1000);
        });
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

    /** Injects one fault; returns what it did when that is worth reporting (the checkpoint a resume restored). */
    private String inject(String kind, FlinkSessionCluster flink, KafkaProcess kafka, String bootstrap)
            throws Exception {
        switch (kind) {
            case "tm-kill" -> {
                int victim = taskManagerRunning(flink, job.get());
                flink.taskManager(victim).kill();
                flink.restartTaskManager(victim);
            }
            case "broker-restart" -> {
                kafka.process().kill();
                kafka.restart();
            }
            case "tm-pause" -> {
                int victim = taskManagerRunning(flink, job.get());
                flink.taskManager(victim).pause();
                Thread.sleep(PAUSE.toMillis());
                flink.taskManager(victim).resume();
            }
            case "cancel-resume" -> {
                return cancelAndResume(flink, bootstrap);
            }
            default ->
                throw new IllegalArgumentException(
                        "unknown fault kind '" + kind + "': tm-kill, broker-restart, tm-pause or cancel-resume");
        }
        return null;
    }

    /**
     * Cancels the running job over REST, then submits the job jar again restoring the latest checkpoint the
     * cancelled job retained, as an operator does with {@code flink cancel} and {@code flink run -s CHECKPOINT}.
     */
    private String cancelAndResume(FlinkSessionCluster flink, String bootstrap) throws Exception {
        JobID cancelled = job.get();
        flink.cancelAndAwait(cancelled, TIMEOUT);
        String checkpoint = flink.latestCheckpointPath(cancelled)
                .orElseThrow(() -> new AssertionError("job " + cancelled + " was cancelled before any checkpoint"));
        Path folder = Path.of(URI.create(checkpoint));
        assertThat(folder.resolve("_metadata"))
                .as("the cancelled job's latest checkpoint is retained (RETAIN_ON_CANCELLATION)")
                .isRegularFile();
        JobID resumed = flink.submit(jobJar(), JOB_MAIN, jobArguments(bootstrap), PARALLELISM, checkpoint);
        job.set(resumed);
        LOG.info("Soak: job {} cancelled; job {} resumes from {}", cancelled, resumed, checkpoint);
        return "restored " + folder.getFileName() + " of the cancelled job";
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
        // the topics are read as streams: a soak at a few thousand events a second commits millions of records
        Map<String, Integer> applied = new HashMap<>();
        Map<String, byte[]> lastSnapshot = new HashMap<>();
        KafkaTopicReader.forEach(bootstrap, topics.userFeatures(), r -> {
            if (isReal(r)) {
                applied.merge(JobOutput.parse(r.value()).get("eventId").asText(), 1, Integer::sum);
                // keyed by user: one partition holds a user's order, so the last record read is the user's last
                lastSnapshot.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
            }
        });
        List<ConsumerRecord<byte[], byte[]>> dlq = KafkaTopicReader.readAll(bootstrap, topics.eventsDlq());
        List<ConsumerRecord<byte[], byte[]>> updates = KafkaTopicReader.readAll(bootstrap, topics.modelUpdates());

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
        Map<String, JsonNode> actual = new HashMap<>();
        lastSnapshot.forEach((user, json) -> actual.put(user, JobOutput.parse(json)));
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

        VectorOrder vectorOrder = new VectorOrder();
        KafkaTopicReader.forEach(bootstrap, topics.userVectors(), r -> {
            if (isReal(r)) {
                vectorOrder.accept(VECTORS.decode(r.value()));
            }
        });
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
            ObjectNode node = faultNodes.addObject().put("kind", f.kind()).put("atSec", round(f.atSec()));
            putSeconds(node, "recoverySec", f.recoverySec());
            node.put("catchUpSec", round(f.catchUpSec()));
            if (f.detail() != null) {
                node.put("detail", f.detail());
            }
        }
        report.put("eventsProduced", scenario.records.size());
        report.put("eventsApplied", applied.size());
        report.put("lost", lost);
        report.put("duplicatedInState", duplicated);
        report.put("stateMismatches", stateMismatches);
        report.put("goodInDlq", goodInDlq);
        report.put("dlq", dlq.size());
        report.put("vectors", vectorOrder.vectors);
        report.put("vectorRegressions", vectorOrder.regressions);
        report.put(
                "modelVersions",
                updates.stream()
                        .map(r -> UPDATES.decode(r.value()).getVersion())
                        .distinct()
                        .count());
        report.put("versionRegressions", versionRegressions);
        // NaN (null in the report) when a fault's recovery was never seen: the maximum is then unknown too
        putSeconds(
                report,
                "maxRecoverySec",
                faults.stream().mapToDouble(Fault::recoverySec).reduce(0, (a, b) -> Math.max(a, b)));
        report.put(
                "maxCatchUpSec",
                round(faults.stream().mapToDouble(Fault::catchUpSec).max().orElse(0)));
        report.put("drainedAtSec", round(drainedAt));
        return report;
    }

    /** Seconds rounded to a tenth, or null when unknown (NaN). */
    private static void putSeconds(ObjectNode node, String field, double seconds) {
        if (Double.isNaN(seconds)) {
            node.putNull(field);
        } else {
            node.put(field, round(seconds));
        }
    }

    /** Counts the vectors that go back for their user in (modelVersion, eventTime), keeping only each user's last. */
    private static final class VectorOrder {
        private final Map<String, long[]> last = new HashMap<>();
        long vectors;
        long regressions;

        void accept(UserVector v) {
            long[] previous = last.put(v.getUserId(), new long[] {v.getModelVersion(), v.getEventTime()});
            vectors++;
            if (previous != null
                    && (v.getModelVersion() < previous[0]
                            || (v.getModelVersion() == previous[0] && v.getEventTime() < previous[1]))) {
                regressions++;
            }
        }
    }

    /** Not one of the watermark sentinels the soak produces after its load. */
    private static boolean isReal(ConsumerRecord<byte[], byte[]> record) {
        return !new String(record.key(), StandardCharsets.UTF_8).startsWith(MovieLensScenario.SENTINEL_USER);
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
                        // the job sets it too; the cluster's own setting makes a cancel-resume fault independent of it
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION",
                        // DJL from the cluster's classpath (see the harness's pom): PyTorch's natives load once per
                        // TaskManager, so the job submitted again after a cancel can open its encoders there
                        "classloader.parent-first-patterns.additional",
                        "ai.djl.",
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
