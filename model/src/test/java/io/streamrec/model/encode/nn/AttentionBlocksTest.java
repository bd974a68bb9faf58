package io.streamrec.model.encode.nn;

import static io.streamrec.model.encode.EncoderFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.encode.EncoderFixtures;
import io.streamrec.model.encode.NDManagerTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttentionBlocksTest extends NDManagerTest {

    private static final int[] LENGTHS = {4, 1, 0};

    private NDArray paddedSequence(int width, long paddingSeed) {
        return EncoderFixtures.sequence(
                manager, LENGTHS.length, 4, width, LENGTHS, new Random(1), new Random(paddingSeed));
    }

    private NDArray paddedMask() {
        return EncoderFixtures.mask(manager, 4, LENGTHS);
    }

    @Test
    void multiHeadSelfAttentionKeepsTheShapeAndIgnoresPaddedKeys() {
        MultiHeadSelfAttention attention = new MultiHeadSelfAttention(8, 2);
        NDList a = new NDList(paddedSequence(8, 10), paddedMask());
        NDList b = new NDList(paddedSequence(8, 20), paddedMask());
        initialize(attention, manager, a, 3);

        NDArray outA = forward(attention, manager, a).head();
        NDArray outB = forward(attention, manager, b).head();

        assertThat(outA.getShape()).isEqualTo(new Shape(3, 4, 8));
        assertThat(attention.getOutputShapes(a.getShapes())).containsExactly(new Shape(3, 4, 8));
        // real query positions: user 0 steps 0..3, user 1 step 0
        assertThat(maxAbsDifference(outA.get("0"), outB.get("0"))).isLessThan(1e-5f);
        assertThat(maxAbsDifference(outA.get("1, 0"), outB.get("1, 0"))).isLessThan(1e-5f);
        assertThat(attention.getParameters().size()).isEqualTo(8);
    }

    @Test
    void multiHeadSelfAttentionNeedsHeadsThatDivideTheWidth() {
        assertThatThrownBy(() -> new MultiHeadSelfAttention(10, 3))
                .hasMessageContaining("must be positive and divide the width 10");
    }

    @Test
    void attentionPoolingWeighsKeysByTheirDotProductWithTheQuery() {
        NDArray keys = manager.create(new float[] {1, 0, 0, 1, 5, 5}, new Shape(1, 3, 2));
        NDArray mask = manager.create(new float[] {1, 1, 0}, new Shape(1, 3));
        NDArray query = manager.create(new float[] {2, 0}, new Shape(1, 2));
        AttentionPooling pooling = new AttentionPooling(2, 2);
        NDList input = new NDList(keys, mask, query);
        initialize(pooling, manager, input, 1);

        NDList out = forward(pooling, manager, input);

        double w0 = Math.exp(2) / (Math.exp(2) + Math.exp(0));
        assertThat(out.get(1).toFloatArray())
                .containsExactly(new float[] {(float) w0, (float) (1 - w0), 0f}, within(1e-6f));
        assertThat(out.get(0).toFloatArray())
                .containsExactly(new float[] {(float) w0, (float) (1 - w0)}, within(1e-6f));
        assertThat(pooling.getParameters().size())
                .as("a dot product has no parameters")
                .isZero();
    }

    @Test
    void attentionPoolingProjectsAQueryOfAnotherWidth() {
        NDList input = new NDList(paddedSequence(4, 10), paddedMask(), manager.randomNormal(new Shape(3, 6)));
        AttentionPooling pooling = new AttentionPooling(4, 6);
        initialize(pooling, manager, input, 1);

        NDList out = forward(pooling, manager, input);

        assertThat(out.get(0).getShape()).isEqualTo(new Shape(3, 4));
        assertThat(out.get(1).getShape()).isEqualTo(new Shape(3, 4));
        assertThat(pooling.getParameters().valueAt(0).getArray().getShape()).isEqualTo(new Shape(4, 6));
        assertThat(out.get(0).get("2").abs().sum().getFloat())
                .as("empty sequence pools to zero")
                .isZero();
    }

    @Test
    void selfAttentivePoolingGivesOneDistributionPerHeadOverRealPositions() {
        for (boolean perHead : new boolean[] {false, true}) {
            SelfAttentivePooling pooling = new SelfAttentivePooling(3, 5, perHead);
            NDList input = new NDList(paddedSequence(4, 10), paddedMask());
            initialize(pooling, manager, input, 1);

            NDList out = forward(pooling, manager, input);

            assertThat(out.get(0).getShape()).isEqualTo(new Shape(3, 3, 4));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(3, 3, 4));
            assertThat(pooling.getOutputShapes(input.getShapes()))
                    .containsExactly(new Shape(3, 3, 4), new Shape(3, 3, 4));
            NDArray sums = out.get(0).sum(new int[] {2});
            assertThat(sums.get("0:2").toFloatArray()).containsOnly(new float[] {1f}, within(1e-5f));
            assertThat(sums.get("2").toFloatArray()).containsOnly(0f);
            assertThat(out.get(0).get("1, :, 1:").abs().sum().getFloat())
                    .as("padding of user 1")
                    .isZero();
            long projectionWidth =
                    pooling.getParameters().valueAt(1).getArray().getShape().get(0);
            assertThat(projectionWidth).isEqualTo(perHead ? 15 : 5);
        }
    }
}
