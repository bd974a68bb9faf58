package io.streamrec.model.encode.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.streamrec.model.encode.NDManagerTest;
import org.junit.jupiter.api.Test;

class MaskedSoftmaxTest extends NDManagerTest {

    @Test
    void normalisesOverKeptPositionsOnly() {
        NDArray scores = manager.create(new float[] {1f, 2f, 500f, -3f}, new Shape(1, 4));
        NDArray mask = manager.create(new float[] {1f, 1f, 0f, 0f}, new Shape(1, 4));

        float[] w = MaskedSoftmax.apply(scores, mask, 1).toFloatArray();

        double e1 = Math.exp(1);
        double e2 = Math.exp(2);
        assertThat(w[0]).isCloseTo((float) (e1 / (e1 + e2)), within(1e-6f));
        assertThat(w[1]).isCloseTo((float) (e2 / (e1 + e2)), within(1e-6f));
        assertThat(w[2]).isZero();
        assertThat(w[3]).isZero();
    }

    @Test
    void equalsThePlainSoftmaxWhenNothingIsMasked() {
        NDArray scores = manager.randomNormal(new Shape(3, 5));
        NDArray weights = MaskedSoftmax.apply(scores, manager.ones(new Shape(3, 5)), 1);

        assertThat(weights.sub(scores.softmax(1)).abs().max().getFloat()).isLessThan(1e-6f);
    }

    @Test
    void anAllPaddedRowGetsZeroWeightsAndAFiniteGradient() {
        NDArray scores = manager.create(new float[] {0.5f, 1f, 7f, -2f}, new Shape(2, 2));
        NDArray mask = manager.create(new float[] {0f, 0f, 1f, 1f}, new Shape(2, 2));
        scores.setRequiresGradient(true);
        NDArray weights;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            weights = MaskedSoftmax.apply(scores, mask, 1);
            collector.backward(weights.mul(manager.create(new float[] {1f, 2f, 3f, 4f}, new Shape(2, 2)))
                    .sum());
        }

        float[] w = weights.toFloatArray();
        assertThat(w[0]).isZero();
        assertThat(w[1]).isZero();
        assertThat(w[2] + w[3]).isCloseTo(1f, within(1e-6f));
        for (float g : scores.getGradient().toFloatArray()) {
            assertThat(g).isFinite();
        }
        assertThat(scores.getGradient().get(0).abs().sum().getFloat()).isZero();
    }
}
