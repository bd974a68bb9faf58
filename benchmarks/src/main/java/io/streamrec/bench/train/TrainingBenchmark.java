package io.streamrec.bench.train;

import ai.djl.ndarray.NDManager;
import io.streamrec.model.Feature;
import io.streamrec.model.embed.AdamRule;
import io.streamrec.model.embed.BatchRows;
import io.streamrec.model.embed.EmbeddingTable;
import io.streamrec.model.embed.RowSparseAdam;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.encode.pool.MeanPoolEncoder;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.vocab.DynamicVocabulary;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Training throughput and the cost of a row-sparse step against the catalogue size.
 *
 * <ol>
 *   <li>examples/s of {@link OnlineTrainer#step} at batch 256 (sessions up to T=50, long-term up to 50
 *       per feature, D=64, 10k items) for each encoder available;</li>
 *   <li>the row-sparse embedding step (gather the batch's distinct rows + {@link RowSparseAdam} update)
 *       with the item table at 10k and at 1M rows, and a whole trainer step with the item vocabulary
 *       pre-filled to 10k and to 1M ids. Both must stay flat: the ratio is printed.</li>
 * </ol>
 * Run: {@code java -cp … io.streamrec.bench.train.TrainingBenchmark [steps]}.
 */
public final class TrainingBenchmark {

    private static final int BATCH = 256;
    private static final int ITEMS = 10_000;
    /** Distinct item rows a batch of 256 sessions typically touches. */
    private static final int DISTINCT_ROWS = 3_000;

    private TrainingBenchmark() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        System.out.printf("TrainingBenchmark: batch %d, %d timed steps after 3 warm-up steps, %d cores%n",
                BATCH, steps, Runtime.getRuntime().availableProcessors());

        Map<String, Function<EncoderDimensions, UserEncoder>> encoders = new LinkedHashMap<>();
        encoders.put(MeanPoolEncoder.NAME, MeanPoolEncoder.factory(MeanPoolEncoder.DEFAULT_HIDDEN));
        List<TrainingExample> stream = examples(BATCH * (steps + 3), ITEMS, 17);
        for (Map.Entry<String, Function<EncoderDimensions, UserEncoder>> e : encoders.entrySet()) {
            try (OnlineTrainer trainer = new OnlineTrainer(config(), e.getValue())) {
                double seconds = timeSteps(trainer, stream, steps);
                System.out.printf("  %-9s training: %,8.0f examples/s (%.1f ms/step)%n", e.getKey(), steps * BATCH / seconds, 1000 * seconds / steps);
            }
        }

        double small = sparseStepMillis(10_000, steps);
        double large = sparseStepMillis(1_000_000, steps);
        System.out.printf("  row-sparse step (gather + lazy Adam, %d rows touched): 10k rows %.2f ms, 1M rows %.2f ms, ratio 1M/10k %.2f%n",
                DISTINCT_ROWS, small, large, large / small);

        double trainerSmall = trainerStepMillis(10_000, stream, steps);
        double trainerLarge = trainerStepMillis(1_000_000, stream, steps);
        System.out.printf("  whole trainer step (meanpool): item vocabulary 10k %.1f ms, 1M %.1f ms, ratio 1M/10k %.2f%n",
                trainerSmall, trainerLarge, trainerLarge / trainerSmall);
    }

    private static TrainerConfig config() {
        return TrainerConfig.builder().batchSize(BATCH).maxSessionLength(50).maxLongTermLength(50).build();
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

    /** Gather + update of {@link #DISTINCT_ROWS} random rows of a table with {@code rows} rows of width 32. */
    private static double sparseStepMillis(int rows, int steps) {
        int dim = 32;
        EmbeddingTable table = new EmbeddingTable(dim, rows + 1, 0.1f, 1);
        for (int r = 1; r <= rows; r++) {
            table.initialise(r, "i" + r, 0);
        }
        RowSparseAdam adam = new RowSparseAdam(AdamRule.withLearningRate(1e-3f), dim);
        Random random = new Random(3);
        long total = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int s = 0; s < steps + 3; s++) {
                long start = System.nanoTime();
                try (NDManager batch = manager.newSubManager()) {
                    BatchRows batchRows = new BatchRows(table);
                    for (int i = 0; i < DISTINCT_ROWS; i++) {
                        batchRows.local(1 + random.nextInt(rows));
                    }
                    int[] touched = batchRows.rows();
                    batchRows.gather(batch, true);
                    adam.update(table, touched, new float[touched.length * dim], s + 1);
                }
                if (s >= 3) {
                    total += System.nanoTime() - start;
                }
            }
        }
        return total / 1e6 / steps;
    }

    private static double trainerStepMillis(int vocabulary, List<TrainingExample> stream, int steps) {
        try (OnlineTrainer trainer = new OnlineTrainer(config(), MeanPoolEncoder.factory(MeanPoolEncoder.DEFAULT_HIDDEN))) {
            DynamicVocabulary items = trainer.model().embeddings().table(Feature.ITEM).vocabulary();
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
                    .setUserId("u" + random.nextInt(5_000)).setEventId("e" + n).setEventTime(n)
                    .setSession(session).setLongTerm(longTerm.build()).setSessionStart(0).build();
            examples.add(TrainingExample.newBuilder().setContext(context).setTarget(item(cluster, clusters, items, random, n)).build());
        }
        return examples;
    }

    private static Behavior item(int cluster, int clusters, int items, Random random, long time) {
        int item = cluster + clusters * random.nextInt(items / clusters);
        return Behavior.newBuilder().setEventId("b" + time + "-" + item).setItemId("i" + item).setEventType("view")
                .setTimestamp(time).setCategoryId("c" + cluster).setLeafCategoryId("l" + cluster + "-" + item % 7)
                .setShopId("s" + item % 500).setBrandId("b" + item % 300).setWeight(1.0).build();
    }
}
