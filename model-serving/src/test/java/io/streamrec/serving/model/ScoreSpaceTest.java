package io.streamrec.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.sync.CompleteUpdate;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.ItemRow;
import io.streamrec.schemas.ModelSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import io.streamrec.serving.index.IndexSettings;
import io.streamrec.serving.index.ItemIndex;
import io.streamrec.serving.index.ItemInfo;
import io.streamrec.serving.index.ScoredItem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The score space turns one nearest-neighbour search into the trainer's ranking by ⟨u, v⟩/τ + β·log p̂, with items
 * kept in the unit ball that jvector's dot-product graph needs, also for the rows of deltas after a FULL without rows
 * (a trainer's first).
 */
class ScoreSpaceTest {

    private static final int DIM = 16;
    private static final double TAU = 0.2;
    private static final double BETA = 1.0;

    private static float[] unit(Random random) {
        float[] v = new float[DIM];
        double norm = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    private static CompleteUpdate full(List<ItemRow> rows) {
        return new CompleteUpdate(List.of(ModelUpdate.newBuilder()
                .setModelName("sdm")
                .setVersion(1)
                .setKind(UpdateKind.FULL)
                .setCreatedAt(0)
                .setSpec(ModelSpec.newBuilder()
                        .setEncoderName("sdm")
                        .setEncoderSettings(Map.of())
                        .setModelSettings(Map.of(
                                TrainerOptions.TEMPERATURE.key(), "" + TAU,
                                TrainerOptions.POPULARITY_PRIOR.key(), "" + BETA))
                        .build())
                .setItemRows(rows)
                .build()));
    }

    private static ItemRow row(String id, float[] v, float logPopularity) {
        ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(v);
        return ItemRow.newBuilder()
                .setItemId(id)
                .setVector(bytes)
                .setLogPopularity(logPopularity)
                .build();
    }

    private static double norm(float[] w) {
        double sum = 0;
        for (float x : w) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    private static double logit(float[] u, float[] v, float logPopularity) {
        double uv = 0;
        for (int i = 0; i < u.length; i++) {
            uv += (double) u[i] * v[i];
        }
        return uv / TAU + BETA * logPopularity;
    }

    @Test
    void aFullsRowsLieInTheUnitBallAndTheirScoresAreTheLogits() {
        Random random = new Random(1);
        List<ItemRow> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(row("i" + i, unit(random), (float) (-2 - 10 * random.nextDouble())));
        }
        ScoreSpace space = ScoreSpace.of(full(rows));
        assertThat(space.hasPrior()).isTrue();
        assertThat(space.indexWidth(DIM)).isEqualTo(DIM + 2);
        float[] u = unit(random);
        for (ItemRow row : rows) {
            float[] v = ScoreSpace.floats(row.getVector());
            float[] w = space.item(v, row.getLogPopularity());
            assertThat(norm(w)).isCloseTo(1, Offset.offset(1e-5));
            float[] q = space.user(u);
            float dot = 0;
            for (int i = 0; i < w.length; i++) {
                dot += q[i] * w[i];
            }
            assertThat((double) space.userScore(dot))
                    .isCloseTo(logit(u, v, row.getLogPopularity()), Offset.offset(1e-4));
        }
    }

    @Test
    void afterAFullWithoutRowsTheDeltasRowsAreFoundThroughTheGraphInTheTrainersOrder() {
        Random random = new Random(2);
        ScoreSpace space = ScoreSpace.of(full(List.of()));
        assertThat(space.hasPrior()).isTrue();
        Map<String, float[]> vectors = new HashMap<>();
        Map<String, Float> logPopularity = new HashMap<>();
        List<ItemIndex.Row> rows = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            float[] v = unit(random);
            float lp = (float) (-1 - 14 * random.nextDouble());
            vectors.put("i" + i, v);
            logPopularity.put("i" + i, lp);
            float[] w = space.item(v, lp);
            assertThat(norm(w)).as("in the unit ball").isLessThanOrEqualTo(1 + 1e-5);
            rows.add(new ItemIndex.Row("i" + i, ItemInfo.NONE, w));
        }
        // the first 2,000 as a rebuild would place them, the rest as a delta's rows inserted into the graph
        IndexSettings graph = IndexSettings.defaults().withExactSearchThreshold(0);
        ItemIndex index = ItemIndex.build(DIM + 2, graph, 1, rows.subList(0, 2_000), ForkJoinPool.commonPool());
        for (ItemIndex.Row r : rows.subList(2_000, 3_000)) {
            index.upsert(r.itemId(), r.info(), r.vector(), 2);
        }
        index.publish(2);
        index.insertFresh(Integer.MAX_VALUE);

        int found = 0;
        for (int q = 0; q < 30; q++) {
            float[] u = unit(random);
            List<String> exact = vectors.keySet().stream()
                    .sorted(Comparator.comparingDouble((String id) -> logit(u, vectors.get(id), logPopularity.get(id)))
                            .reversed())
                    .limit(20)
                    .toList();
            List<ScoredItem> answer = index.search(space.user(u), 20, 2, ItemIndex.ItemFilter.NONE);
            Set<String> ids = new HashSet<>();
            for (ScoredItem item : answer) {
                ids.add(item.itemId());
                assertThat((double) space.userScore(item.score()))
                        .isCloseTo(
                                logit(u, vectors.get(item.itemId()), logPopularity.get(item.itemId())),
                                Offset.offset(1e-3));
            }
            ids.retainAll(exact);
            found += ids.size();
        }
        assertThat(found / 600.0).as("recall@20 against the trainer's ranking").isGreaterThan(0.95);
    }
}
