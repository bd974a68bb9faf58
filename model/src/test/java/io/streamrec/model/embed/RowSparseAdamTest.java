package io.streamrec.model.embed;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class RowSparseAdamTest {

    private static final int ROWS = 50;
    private static final int DIM = 6;
    private static final float LR = 0.01f;

    @Test
    void updatesOnlyTheBatchRowsAndMatchesDjlDenseAdamOnThem() {
        EmbeddingTable table = new EmbeddingTable(DIM, ROWS, 0.1f, 1);
        for (int r = 1; r < ROWS; r++) {
            table.initialise(r, "id" + r, 0);
        }
        float[] before = snapshot(table);
        RowSparseAdam sparse = new RowSparseAdam(AdamRule.withLearningRate(LR), DIM);
        int[] batchRows = {3, 17, 42};
        Random random = new Random(5);

        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray dense = manager.create(before, new Shape(ROWS, DIM));
            Optimizer adam = Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed(LR))
                    .optBeta1(0.9f)
                    .optBeta2(0.999f)
                    .optEpsilon(1e-8f)
                    .build();
            for (long step = 1; step <= 5; step++) {
                float[] rowGrads = new float[batchRows.length * DIM];
                float[] denseGrads = new float[ROWS * DIM];
                for (int i = 0; i < batchRows.length; i++) {
                    for (int j = 0; j < DIM; j++) {
                        float g = (float) random.nextGaussian();
                        rowGrads[i * DIM + j] = g;
                        denseGrads[batchRows[i] * DIM + j] = g;
                    }
                }
                sparse.update(table, batchRows, rowGrads, 100 + step);
                adam.update("table", dense, manager.create(denseGrads, new Shape(ROWS, DIM)));
            }
            float[] expected = dense.toFloatArray();
            float[] actual = snapshot(table);
            for (int r = 0; r < ROWS; r++) {
                boolean inBatch = r == 3 || r == 17 || r == 42;
                for (int j = 0; j < DIM; j++) {
                    int i = r * DIM + j;
                    if (inBatch) {
                        assertThat(actual[i])
                                .as("row %d", r)
                                .isCloseTo(expected[i], Offset.offset(1e-6f))
                                .isNotEqualTo(before[i]);
                    } else {
                        assertThat(actual[i]).as("row %d untouched", r).isEqualTo(before[i]);
                    }
                }
                assertThat(table.changedAt(r)).isEqualTo(inBatch ? 105 : 0);
                assertThat(sparse.stepsOf(r)).isEqualTo(inBatch ? 5 : 0);
            }
        }
    }

    @Test
    void eachRowCountsItsOwnStepsForBiasCorrectionAndResetForgetsThem() {
        EmbeddingTable table = new EmbeddingTable(2, 4, 0.1f, 1);
        RowSparseAdam sparse = new RowSparseAdam(AdamRule.withLearningRate(0.1f), 2);
        sparse.update(table, new int[] {1}, new float[] {1, 1}, 1);
        sparse.update(table, new int[] {1}, new float[] {1, 1}, 2);
        sparse.update(table, new int[] {1, 2}, new float[] {1, 1, 1, 1}, 3);
        float[] rows = snapshot(table);
        // a row's first update moves it by exactly lr·sign(g) (bias-corrected m/√v = 1), whenever it happens
        assertThat(rows[4]).isCloseTo(-0.1f, Offset.offset(1e-6f));
        assertThat(sparse.stepsOf(1)).isEqualTo(3);
        assertThat(sparse.stepsOf(2)).isEqualTo(1);
        sparse.reset(1);
        assertThat(sparse.stepsOf(1)).isZero();
    }

    private static float[] snapshot(EmbeddingTable table) {
        float[] all = new float[table.allocatedRows() * table.dim()];
        for (int r = 0; r < table.allocatedRows(); r++) {
            table.read(r, all, r * table.dim());
        }
        return all;
    }
}
