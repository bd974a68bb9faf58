package io.streamrec.model.train.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.streamrec.model.DirectBuffers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tiny example, τ = 0.5, D = 2 (vectors are normalised by the loss):
 * <pre>
 *   users   u0 = (1,0)   u1 = (0,2)   u2 = (1,1)
 *   targets v0 = (1,0)   v1 = (0,1)   v2 = (3,0)
 *   ids       10           20           10        → rows 0 and 2 are each other's accidental hit
 *   p̂        1/2          1/4          1/2
 *   rewards   1            2            0.5
 * </pre>
 * s = cos/τ: row 0 → [2, 0, 2], row 1 → [0, 2, 0], row 2 → [√2, √2, √2].
 */
class SampledSoftmaxLossTest {
    private static final double LN2 = Math.log(2);
    private static final double LN4 = Math.log(4);
    private static final double E2 = Math.exp(2);
    private static final double SQRT2 = Math.sqrt(2);

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void correctedLossMatchesTheHandComputedValue() {
        // s^c = s − log p̂ adds ln2, ln4, ln2 to the three columns; masked cells are dropped.
        double row0 = (2 + LN2) - Math.log(Math.exp(2 + LN2) + Math.exp(LN4)); // column 2 masked
        double row1 = (2 + LN4) - Math.log(Math.exp(LN2) + Math.exp(2 + LN4) + Math.exp(LN2));
        double row2 = (SQRT2 + LN2) - Math.log(Math.exp(SQRT2 + LN4) + Math.exp(SQRT2 + LN2)); // column 0 masked: −ln 3
        double expected = -(1 * row0 + 2 * row1 + 0.5 * row2) / 3;

        assertThat(loss(true, tinyBatch())).isCloseTo(expected, within(1e-5));
        assertThat(row2).isCloseTo(-Math.log(3), within(1e-12));
    }

    @Test
    void uncorrectedLossUsesTheRawScores() {
        double row0 = 2 - Math.log(E2 + 1);
        double row1 = 2 - Math.log(1 + E2 + 1);
        double row2 = -LN2;
        double expected = -(row0 + 2 * row1 + 0.5 * row2) / 3;

        assertThat(loss(false, tinyBatch())).isCloseTo(expected, within(1e-5));
    }

    @Test
    void accidentalHitsAreMaskedButDistinctIdsAreNot() {
        SampledSoftmaxBatch hits = tinyBatch();
        SampledSoftmaxBatch distinct = new SampledSoftmaxBatch(
                hits.users(),
                hits.targets(),
                manager.create(new long[] {10, 20, 30}),
                hits.targetLogQ(),
                hits.rewards());
        // With id 30 for the third target, row 0 also competes with v2 (score 2 + ln 2), row 2 with v0.
        double row0 = (2 + LN2) - Math.log(2 * Math.exp(2 + LN2) + Math.exp(LN4));
        double row1 = (2 + LN4) - Math.log(Math.exp(LN2) + Math.exp(2 + LN4) + Math.exp(LN2));
        double row2 = (SQRT2 + LN2) - Math.log(Math.exp(SQRT2 + LN2) + Math.exp(SQRT2 + LN4) + Math.exp(SQRT2 + LN2));

        assertThat(loss(true, distinct)).isCloseTo(-(row0 + 2 * row1 + 0.5 * row2) / 3, within(1e-5));
        assertThat(loss(true, distinct)).isGreaterThan(loss(true, hits));
    }

    @Test
    void extraNegativesJoinEveryRowWithTheirOwnCorrectionAndAreMaskedOnAHit() {
        // One extra negative w = (0,1), id 20 (row 1's target: masked there), log Q = ln 0.1.
        ExtraNegatives extra = new ExtraNegatives(
                manager.create(new float[][] {{0, 5}}),
                manager.create(new long[] {20}),
                manager.create(new float[] {(float) Math.log(0.1)}));
        SampledSoftmaxBatch base = tinyBatch();
        SampledSoftmaxBatch withExtra = new SampledSoftmaxBatch(
                base.users(), base.targets(), base.targetIds(), base.targetLogQ(), base.rewards(), extra);
        double ln10 = Math.log(10);
        double row0 = (2 + LN2) - Math.log(Math.exp(2 + LN2) + Math.exp(LN4) + Math.exp(ln10));
        double row1 = (2 + LN4) - Math.log(Math.exp(LN2) + Math.exp(2 + LN4) + Math.exp(LN2));
        double row2 = (SQRT2 + LN2) - Math.log(Math.exp(SQRT2 + LN4) + Math.exp(SQRT2 + LN2) + Math.exp(SQRT2 + ln10));

        assertThat(loss(true, withExtra)).isCloseTo(-(row0 + 2 * row1 + 0.5 * row2) / 3, within(1e-5));
        assertThat(row2).isCloseTo(-Math.log(8), within(1e-12));
    }

    @Test
    void gradientsAreFiniteAndReachBothTowers() {
        SampledSoftmaxBatch batch = tinyBatch();
        batch.users().setRequiresGradient(true);
        batch.targets().setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(new SampledSoftmaxLoss(0.5f, true).evaluate(batch));
        }
        for (NDArray gradient :
                new NDArray[] {batch.users().getGradient(), batch.targets().getGradient()}) {
            assertThat(gradient.isNaN().any().getBoolean()).isFalse();
            assertThat(gradient.isInfinite().any().getBoolean()).isFalse();
            assertThat(gradient.abs().sum().getFloat()).isGreaterThan(0f);
        }
    }

    /**
     * A garbage collection between the loss and its backward pass must not change the gradients: it frees the
     * memory of direct buffers nothing references, so the backward pass must not read scalars held only by a
     * Java object that is gone (see {@code GraphScalar}).
     */
    @Test
    void gradientsDoNotDependOnWhenTheJvmCollectsGarbage() {
        float[][] undisturbed = lossGradients(() -> {});
        float[][] collected = lossGradients(DirectBuffers::freeUnreachable);

        assertThat(collected[0]).as("users").containsExactly(undisturbed[0], within(1e-6f));
        assertThat(collected[1]).as("targets").containsExactly(undisturbed[1], within(1e-6f));
    }

    /** The gradients of the corrected loss of the tiny batch w.r.t. users and targets. */
    private float[][] lossGradients(Runnable beforeBackward) {
        SampledSoftmaxBatch batch = tinyBatch();
        batch.users().setRequiresGradient(true);
        batch.targets().setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = new SampledSoftmaxLoss(0.5f, true).evaluate(batch);
            beforeBackward.run();
            collector.backward(loss);
        }
        try (NDArray users = batch.users().getGradient();
                NDArray targets = batch.targets().getGradient()) {
            return new float[][] {users.toFloatArray(), targets.toFloatArray()};
        }
    }

    @Test
    void staysFiniteAtExtremes() {
        // A tiny τ, huge and zero vectors, an item that is rare to the estimator's floor, and a row whose
        // other columns are all accidental hits.
        SampledSoftmaxBatch batch = new SampledSoftmaxBatch(
                manager.create(new float[][] {{1e30f, 0}, {0, 0}, {3, 4}}),
                manager.create(new float[][] {{1, 0}, {0, 1e-30f}, {-1, 0}}),
                manager.create(new long[] {7, 7, 7}),
                manager.create(new float[] {-30f, 5f, 0f}),
                manager.create(new float[] {1, 1, 1}));
        batch.users().setRequiresGradient(true);
        batch.targets().setRequiresGradient(true);
        NDArray value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            value = new SampledSoftmaxLoss(1e-3f, true).evaluate(batch);
            collector.backward(value);
        }
        assertThat(value.getFloat())
                .as("every row has only its own column: log 1 = 0")
                .isEqualTo(0f);
        assertThat(batch.users().getGradient().isNaN().any().getBoolean()).isFalse();
        assertThat(batch.targets().getGradient().isNaN().any().getBoolean()).isFalse();
    }

    @Test
    void mixedCorrectionAddsTheUniformSamplersExpectedCount() {
        NDArray logQ = MixedNegativeCorrection.logExpectedCount(
                manager.create(new float[] {(float) Math.log(2.0), (float) Math.log(0.001)}), 100, 10_000);
        assertThat(logQ.toFloatArray())
                .containsExactly(new float[] {(float) Math.log(2.01), (float) Math.log(0.011)}, within(1e-5f));
    }

    @Test
    void rejectsMismatchedShapesAndBadTemperatureWithAHint() {
        assertThatThrownBy(() -> new SampledSoftmaxBatch(
                        manager.ones(new ai.djl.ndarray.types.Shape(3, 2)),
                        manager.ones(new ai.djl.ndarray.types.Shape(2, 2)),
                        manager.create(new long[] {1, 2, 3}),
                        manager.zeros(new ai.djl.ndarray.types.Shape(3)),
                        manager.ones(new ai.djl.ndarray.types.Shape(3))))
                .hasMessageContaining("targets must have shape (3, 2)");
        assertThatThrownBy(() -> new SampledSoftmaxLoss(0f, true)).hasMessageContaining("temperature");
    }

    private SampledSoftmaxBatch tinyBatch() {
        return new SampledSoftmaxBatch(
                manager.create(new float[][] {{1, 0}, {0, 2}, {1, 1}}),
                manager.create(new float[][] {{1, 0}, {0, 1}, {3, 0}}),
                manager.create(new long[] {10, 20, 10}),
                manager.create(new float[] {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.5)}),
                manager.create(new float[] {1f, 2f, 0.5f}));
    }

    private static double loss(boolean corrected, SampledSoftmaxBatch batch) {
        return new SampledSoftmaxLoss(0.5f, corrected).evaluate(batch).getFloat();
    }
}
