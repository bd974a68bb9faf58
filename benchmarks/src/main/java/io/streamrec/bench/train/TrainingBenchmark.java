package io.streamrec.bench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import io.streamrec.config.Settings;
import io.streamrec.model.Feature;
import io.streamrec.model.FrozenState;
import io.streamrec.model.data.Datasets;
import io.streamrec.model.data.EventDataset;
import io.streamrec.model.data.SyntheticDataset;
import io.streamrec.model.data.SyntheticOptions;
import io.streamrec.model.embed.AdamRule;
import io.streamrec.model.embed.BatchRows;
import io.streamrec.model.embed.EmbeddingTable;
import io.streamrec.model.embed.RowSparseAdam;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.eval.EvaluationData;
import io.streamrec.model.eval.PrequentialEvaluator;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.online.OnlineLearner;
import io.streamrec.model.vocab.DynamicVocabulary;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Training throughput and the cost of a row-sparse step against the catalogue size.
 *
 * <ol>
 *   <li>{@code online}: the trainer as the job runs it ({@link OnlineLearner} rounds on examples in arrival order,
 *       the job's defaults, scored and not), with the milliseconds per phase and a checkpoint's cost;</li>
 *   <li>examples/s of {@link OnlineTrainer#step} at batch 256 (sessions up to T=50, long-term up to 50
 *       per feature, D=64, 10k items) for each encoder available;</li>
 *   <li>the row-sparse embedding step (gather the batch's distinct rows + {@link RowSparseAdam} update)
 *       with the item table at 10k and at 1M rows, and a whole trainer step with the item vocabulary
 *       pre-filled to 10k and to 1M ids. Both must stay flat: the ratio is printed.</li>
 * </ol>
 * The dense DJL Adam over the whole table is printed beside them as the baseline that does grow.
 *
 * <p>Run (from the repository root):
 * <pre>
 * ./mvnw -B -o -q -pl benchmarks -am -DskipTests compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * MALLOC_ARENA_MAX=2 java -Xmx6g -Dai.djl.offline=true \
 *     -cp benchmarks/target/classes:$(cat benchmarks/target/cp.txt) io.streamrec.bench.train.TrainingBenchmark [steps [encoders|sparse|trainer ...]]
 * </pre>
 */
public final class TrainingBenchmark {

    private static final int BATCH = 256;
    private static final int ITEMS = 10_000;
    /** Distinct item rows a batch of 256 sessions typically touches. */
    private static final int DISTINCT_ROWS = 3_000;

    private static final int ROUNDS = 3;

    private TrainingBenchmark() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Set<String> sections = args.length > 1
                ? Set.of(Arrays.copyOfRange(args, 1, args.length))
                : Set.of("encoders", "lengths", "sparse", "trainer");
        System.out.printf(
                "TrainingBenchmark: batch %d, %d timed steps after 3 warm-up steps, %d cores%n",
                BATCH, steps, Runtime.getRuntime().availableProcessors());

        List<TrainingExample> stream = examples(BATCH * (steps + 3), ITEMS, 17);
        if (sections.contains("encoders")) {
            encoderThroughput(stream, steps);
        }
        if (sections.contains("lengths")) {
            lengthMix(steps, stream);
        }
        if (sections.contains("online")) {
            online(steps);
        }
        if (sections.contains("sparse")) {
            sparseStep(steps);
        }
        if (sections.contains("trainer")) {
            double trainerSmall = trainerStepMillis(10_000, stream, steps);
            double trainerLarge = trainerStepMillis(1_000_000, stream, steps);
            System.out.printf(
                    "  whole trainer step (meanpool): item vocabulary 10k %.1f ms, 1M %.1f ms, ratio 1M/10k %.2f%n",
                    trainerSmall, trainerLarge, trainerLarge / trainerSmall);
        }
    }

    private static void encoderThroughput(List<TrainingExample> stream, int steps) {
        Map<String, Function<EncoderDimensions, UserEncoder>> encoders = new LinkedHashMap<>();
        encoders.put(MeanPoolEncoder.NAME, MeanPoolEncoder.factory(Settings.empty()));
        for (String name : Encoders.names()) {
            encoders.put(name, Encoders.factory(name, Map.of()));
        }
        for (Map.Entry<String, Function<EncoderDimensions, UserEncoder>> e : encoders.entrySet()) {
            try (OnlineTrainer trainer = new OnlineTrainer(config(), e.getValue())) {
                double seconds = timeSteps(trainer, stream, steps);
                System.out.printf(
                        "  %-9s training: %,8.0f examples/s (%.1f ms/step)%n",
                        e.getKey(), steps * BATCH / seconds, 1000 * seconds / steps);
            }
        }
    }

    /**
     * SDM and SINE examples/s at batch 256 on realistic length mixes (what the trainer meets: the end-to-end
     * benchmark's synthetic stream, and ml-latest-small in random order) beside the padded-to-50 mix of
     * {@link #examples} (sessions of 10–50 and long-term histories of up to 50, so every batch pads to about 50).
     * Batches pad to their longest sequence, so short real sequences cost less.
     */
    private static void lengthMix(int steps, List<TrainingExample> padded) {
        int count = BATCH * (steps + 3);
        Map<String, List<TrainingExample>> mixes = new LinkedHashMap<>();
        mixes.put("padded to 50", padded);
        mixes.put("e2e synthetic", replayed(e2eSynthetic(count * 4), count, 5));
        try {
            mixes.put("ml-latest-small", replayed(Datasets.bundledMovieLens(), count, 5));
        } catch (IllegalArgumentException notFound) {
            System.out.println("  (ml-latest-small not found: " + notFound.getMessage() + ")");
        }
        for (Map.Entry<String, List<TrainingExample>> mix : mixes.entrySet()) {
            List<TrainingExample> examples = mix.getValue();
            System.out.printf(
                    "  mix %-16s mean session %.1f, mean long-term items %.1f, mean padded session per batch %.1f%n",
                    mix.getKey(),
                    examples.stream()
                            .mapToInt(e -> e.getContext().getSession().size())
                            .average()
                            .orElse(0),
                    examples.stream()
                            .mapToInt(
                                    e -> e.getContext().getLongTerm().getItem().size())
                            .average()
                            .orElse(0),
                    paddedSession(examples));
        }
        for (String name : Encoders.names()) {
            for (Map.Entry<String, List<TrainingExample>> mix : mixes.entrySet()) {
                try (OnlineTrainer trainer = new OnlineTrainer(config(), Encoders.factory(name, Map.of()))) {
                    double seconds = timeSteps(trainer, mix.getValue(), steps);
                    System.out.printf(
                            "  %-5s %-16s training: %,8.0f examples/s (%.1f ms/step)%n",
                            name, mix.getKey(), steps * BATCH / seconds, 1000 * seconds / steps);
                }
            }
        }
    }

    /**
     * The trainer as the job runs it, on examples in arrival order: {@link OnlineLearner} rounds at the job's defaults
     * (256 recent negatives, popularity prior, same-user masking), each a full batch of fresh examples, i.e. a
     * trainer that is behind and replays nothing; once with every round scored (test-then-train, the model and both
     * baselines), once with none. Prints examples/s, the milliseconds per round of each phase, and what a checkpoint
     * costs: the copy taken while training waits against writing the whole trainer.
     */
    private static void online(int rounds) {
        int count = BATCH * (rounds + 3);
        Map<String, List<TrainingExample>> streams = new LinkedHashMap<>();
        try {
            streams.put("ml-latest-small", inArrivalOrder(Datasets.bundledMovieLens(), count));
        } catch (IllegalArgumentException notFound) {
            System.out.println("  (ml-latest-small not found: " + notFound.getMessage() + ")");
        }
        streams.put("e2e synthetic", inArrivalOrder(e2eSynthetic(count * 2), count));
        for (String name : Encoders.names()) {
            for (Map.Entry<String, List<TrainingExample>> stream : streams.entrySet()) {
                for (boolean score : new boolean[] {false, true}) {
                    onlineRounds(name, stream.getKey(), stream.getValue(), rounds, score);
                }
            }
        }
    }

    private static void onlineRounds(
            String encoder, String streamName, List<TrainingExample> stream, int rounds, boolean score) {
        TrainerConfig config = TrainerConfig.builder().build();
        try (OnlineTrainer trainer = new OnlineTrainer(config, Encoders.factory(encoder, Map.of()))) {
            OnlineLearner.Policy defaults = OnlineLearner.Policy.defaults(BATCH);
            OnlineLearner learner = new OnlineLearner(
                    trainer,
                    new PrequentialEvaluator(PrequentialEvaluator.Settings.defaults(true), 10),
                    new OnlineLearner.Policy(
                            stream.size(),
                            0,
                            defaults.maxBatchDelay(),
                            defaults.replayRatio(),
                            defaults.replayCapacity(),
                            defaults.seed()));
            stream.forEach(learner::offer);
            for (int r = 0; r < 3; r++) {
                learner.round(score);
            }
            long forwardBackward = trainer.forwardBackwardNanos();
            long optimiser = trainer.optimiserNanos();
            long scoring = learner.scoreNanos();
            long trainedBefore = learner.trained();
            long start = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                learner.round(score);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long trained = learner.trained() - trainedBefore;
            System.out.printf(
                    "  online %-5s %-16s %-9s %,7.0f examples/s; ms per round: forward/backward %.1f, optimiser %.1f,"
                            + " score %.1f, all %.1f%n",
                    encoder,
                    streamName,
                    score ? "scored" : "unscored",
                    trained / seconds,
                    (trainer.forwardBackwardNanos() - forwardBackward) / 1e6 / rounds,
                    (trainer.optimiserNanos() - optimiser) / 1e6 / rounds,
                    (learner.scoreNanos() - scoring) / 1e6 / rounds,
                    seconds * 1000 / rounds);
            if (score) {
                checkpointCost(learner);
            }
        }
    }

    /** A checkpoint's copy (what the training thread waits for) against writing it, for the trainer and the evaluator. */
    private static void checkpointCost(OnlineLearner learner) {
        long start = System.nanoTime();
        FrozenState trainer = learner.trainer().freeze();
        FrozenState evaluator = learner.evaluator().freeze();
        long copied = System.nanoTime();
        int trainerBytes = trainer.toBytes().length;
        long trainerWritten = System.nanoTime();
        int evaluatorBytes = evaluator.toBytes().length;
        long evaluatorWritten = System.nanoTime();
        System.out.printf(
                "    checkpoint: copied in %.1f ms; then written: trainer %.1f ms (%,d bytes), evaluator %.1f ms"
                        + " (%,d bytes)%n",
                (copied - start) / 1e6,
                (trainerWritten - copied) / 1e6,
                trainerBytes,
                (evaluatorWritten - trainerWritten) / 1e6,
                evaluatorBytes);
    }

    /**
     * {@code count} examples of the dataset replayed through the user-history rules, in arrival order, from the middle
     * of the stream (its start holds users' first, short sessions and histories).
     */
    private static List<TrainingExample> inArrivalOrder(EventDataset dataset, int count) {
        try {
            List<TrainingExample> all =
                    EvaluationData.replay(dataset, HistoryPolicy.defaults()).examples();
            int from = Math.max(0, Math.min(all.size() / 2, all.size() - count));
            List<TrainingExample> slice = new ArrayList<>(all.subList(from, Math.min(from + count, all.size())));
            System.out.printf(
                    "  stream slice from example %,d of %,d: mean session %.1f, mean long-term items %.1f%n",
                    from,
                    all.size(),
                    slice.stream()
                            .mapToInt(e -> e.getContext().getSession().size())
                            .average()
                            .orElse(0),
                    slice.stream()
                            .mapToInt(
                                    e -> e.getContext().getLongTerm().getItem().size())
                            .average()
                            .orElse(0));
            return slice;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The end-to-end benchmark's stream: 100k users, 50k items, 200 sessions at once, an event every 67 µs. */
    private static EventDataset e2eSynthetic(int events) {
        return new SyntheticDataset(SyntheticOptions.fromOptions(Map.of(
                "users", "100000",
                "items", "50000",
                "events", Integer.toString(events),
                "concurrent-sessions", "200",
                "mean-event-gap", "0.0667")));
    }

    /** {@code count} examples drawn at random (seeded) from the dataset replayed through the user-history rules. */
    private static List<TrainingExample> replayed(EventDataset dataset, int count, long seed) {
        try {
            List<TrainingExample> all = new ArrayList<>(
                    EvaluationData.replay(dataset, HistoryPolicy.defaults()).examples());
            java.util.Collections.shuffle(all, new Random(seed));
            return new ArrayList<>(all.subList(0, Math.min(count, all.size())));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double paddedSession(List<TrainingExample> examples) {
        double sum = 0;
        int batches = 0;
        for (int from = 0; from + BATCH <= examples.size(); from += BATCH) {
            sum += examples.subList(from, from + BATCH).stream()
                    .mapToInt(e -> Math.min(50, e.getContext().getSession().size()))
                    .max()
                    .orElse(0);
            batches++;
        }
        return batches == 0 ? 0 : sum / batches;
    }

    private static void sparseStep(int steps) {
        SparseStep small = new SparseStep(10_000);
        SparseStep large = new SparseStep(1_000_000);
        double[] smallRounds = new double[ROUNDS];
        double[] largeRounds = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            smallRounds[round] = small.millisPerStep(steps);
            largeRounds[round] = large.millisPerStep(steps);
        }
        double smallMedian = median(smallRounds);
        double largeMedian = median(largeRounds);
        System.out.printf(
                "  row-sparse step (gather + lazy Adam, %d rows touched, median of %d interleaved rounds): "
                        + "10k rows %.2f ms, 1M rows %.2f ms, ratio 1M/10k %.2f%n",
                DISTINCT_ROWS, ROUNDS, smallMedian, largeMedian, largeMedian / smallMedian);
        double denseSmall = denseAdamMillis(10_000, steps);
        double denseLarge = denseAdamMillis(1_000_000, steps);
        System.out.printf(
                "  baseline: DJL dense Adam on the whole table: 10k rows %.2f ms, 1M rows %.2f ms, ratio 1M/10k %.1f%n",
                denseSmall, denseLarge, denseLarge / denseSmall);
    }

    private static TrainerConfig config() {
        return TrainerConfig.builder()
                .set(TrainerOptions.BATCH_SIZE, BATCH)
                .set(TrainerOptions.MAX_SESSION_LENGTH, 50)
                .set(TrainerOptions.MAX_LONG_TERM_LENGTH, 50)
                .build();
    }

    private static double timeSteps(OnlineTrainer trainer, List<TrainingExample> stream, int steps) {
        for (int s = 0; s < 3; s++) {
            trainer.step(stream.subList(s * BATCH, (s + 1) * BATCH));
        }
        long start = System.nanoTime();
        for (int s = 3; s < steps + 3; s++) {
            trainer.step(stream.subList(s * BATCH, (s + 1) * BATCH));
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** A table of width 32 with every row initialised, and its lazy Adam. */
    private static final class SparseStep {
        private static final int DIM = 32;
        private final int rows;
        private final EmbeddingTable table;
        private final RowSparseAdam adam = new RowSparseAdam(AdamRule.withLearningRate(1e-3f), DIM);
        private final Random random = new Random(3);
        private long step;

        SparseStep(int rows) {
            this.rows = rows;
            this.table = new EmbeddingTable(DIM, rows + 1, 0.1f, 1);
            for (int r = 1; r <= rows; r++) {
                table.initialise(r, "i" + r, 0);
            }
        }

        /** Gather + update of {@link #DISTINCT_ROWS} random rows, mean over {@code steps} after 3 warm-up steps. */
        double millisPerStep(int steps) {
            long total = 0;
            try (NDManager manager = NDManager.newBaseManager()) {
                for (int s = 0; s < steps + 3; s++) {
                    long start = System.nanoTime();
                    BatchRows batchRows = new BatchRows(table);
                    for (int i = 0; i < DISTINCT_ROWS; i++) {
                        batchRows.local(1 + random.nextInt(rows));
                    }
                    int[] touched = batchRows.rows();
                    batchRows.gather(manager, true);
                    adam.update(table, touched, new float[touched.length * DIM], ++step);
                    if (s >= 3) {
                        total += System.nanoTime() - start;
                    }
                }
            }
            return total / 1e6 / steps;
        }
    }

    /** DJL's Adam given the dense gradient of the whole (rows, 32) table, as it must be without a row-sparse path. */
    private static double denseAdamMillis(int rows, int steps) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weights = manager.randomNormal(new Shape(rows, 32));
            NDArray gradient = manager.zeros(new Shape(rows, 32));
            Optimizer adam = Optimizer.adam().build();
            long total = 0;
            for (int s = 0; s < steps + 3; s++) {
                long start = System.nanoTime();
                adam.update("table", weights, gradient);
                if (s >= 3) {
                    total += System.nanoTime() - start;
                }
            }
            return total / 1e6 / steps;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double trainerStepMillis(int vocabulary, List<TrainingExample> stream, int steps) {
        try (OnlineTrainer trainer = new OnlineTrainer(config(), MeanPoolEncoder.factory(Settings.empty()))) {
            DynamicVocabulary items =
                    trainer.model().embeddings().table(Feature.ITEM).vocabulary();
            for (int i = 0; i < vocabulary; i++) {
                items.admit("filler" + i, 0);
            }
            return 1000 * timeSteps(trainer, stream, steps) / steps;
        }
    }

    /** Users with interest clusters; sessions of 10–50 items, long-term histories of up to 50 ids per feature. */
    static List<TrainingExample> examples(int count, int items, long seed) {
        Random random = new Random(seed);
        int clusters = 100;
        List<TrainingExample> examples = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            int cluster = random.nextInt(clusters);
            List<Behavior> session = new ArrayList<>();
            for (int t = 10 + random.nextInt(41); t > 0; t--) {
                session.add(item(cluster, clusters, items, random, n));
            }
            LongTermFeatures.Builder longTerm = LongTermFeatures.newBuilder();
            List<String> ids = new ArrayList<>();
            List<String> categories = new ArrayList<>();
            for (int t = random.nextInt(51); t > 0; t--) {
                Behavior b = item(cluster, clusters, items, random, n);
                ids.add(b.getItemId());
                categories.add(b.getCategoryId());
            }
            longTerm.setItem(ids).setCategory(categories).setLeafCategory(categories);
            FeatureSnapshot context = FeatureSnapshot.newBuilder()
                    .setUserId("u" + random.nextInt(5_000))
                    .setEventId("e" + n)
                    .setEventTime(n)
                    .setSession(session)
                    .setLongTerm(longTerm.build())
                    .setSessionStart(0)
                    .build();
            examples.add(TrainingExample.newBuilder()
                    .setContext(context)
                    .setTarget(item(cluster, clusters, items, random, n))
                    .build());
        }
        return examples;
    }

    private static Behavior item(int cluster, int clusters, int items, Random random, long time) {
        int item = cluster + clusters * random.nextInt(items / clusters);
        return Behavior.newBuilder()
                .setEventId("b" + time + "-" + item)
                .setItemId("i" + item)
                .setEventType("view")
                .setTimestamp(time)
                .setCategoryId("c" + cluster)
                .setLeafCategoryId("l" + cluster + "-" + item % 7)
                .setShopId("s" + item % 500)
                .setBrandId("b" + item % 300)
                .setWeight(1.0)
                .build();
    }
}
