package io.streamrec.model.encode.sine;

import static io.streamrec.model.encode.EncoderFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.streamrec.model.encode.EncoderFixtures;
import io.streamrec.model.encode.NDManagerTest;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SineBlocksTest extends NDManagerTest {

    private static final int[] LENGTHS = {4, 2, 1};
    private static final int STEPS = 4;
    private static final int DIM = 6;

    private NDArray sequence() {
        return EncoderFixtures.sequence(manager, LENGTHS.length, STEPS, DIM, LENGTHS, new Random(1), new Random(2));
    }

    private NDArray sequenceMask() {
        return EncoderFixtures.mask(manager, STEPS, LENGTHS);
    }

    private NDArray distribution(Shape shape, int axis) {
        return manager.randomNormal(shape).softmax(axis);
    }

    @Test
    void conceptActivationPicksKDistinctConceptsScaledByTheirGate() {
        ConceptActivation activation = new ConceptActivation(10, 3, DIM);
        NDList input = new NDList(sequence(), sequenceMask());
        initialize(activation, manager, input, 1);

        NDList out = forward(activation, manager, input);
        NDArray activated = out.get(0);
        float[][] pool = rows(activation.getParameters().get("conceptPool").getArray());

        assertThat(activated.getShape()).isEqualTo(new Shape(3, 3, DIM));
        assertThat(out.get(1).getShape()).isEqualTo(new Shape(10, DIM));
        assertThat(activation.getOutputShapes(input.getShapes()))
                .containsExactly(new Shape(3, 3, DIM), new Shape(10, DIM));
        for (int b = 0; b < 3; b++) {
            Set<Integer> picked = new HashSet<>();
            for (float[] row : rows(activated.get(b))) {
                int concept = scaledCopyOf(row, pool);
                assertThat(concept).as("user %d: row is a gated concept", b).isNotNegative();
                picked.add(concept);
            }
            assertThat(picked).hasSize(3);
        }
    }

    /** The index of the pool row that {@code row} is a multiple (0, 1) of, or -1. */
    private static int scaledCopyOf(float[] row, float[][] pool) {
        for (int j = 0; j < pool.length; j++) {
            float scale = row[0] / pool[j][0];
            boolean matches = scale > 0 && scale < 1;
            for (int d = 0; d < row.length && matches; d++) {
                matches = Math.abs(row[d] - scale * pool[j][d]) < 1e-5f;
            }
            if (matches) {
                return j;
            }
        }
        return -1;
    }

    private static float[][] rows(NDArray matrix) {
        int n = Math.toIntExact(matrix.getShape().get(0));
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = matrix.get(i).toFloatArray();
        }
        return out;
    }

    @Test
    void topKSelectionPassesGradientToTheActivationWeightsThroughTheGate() {
        ConceptActivation activation = new ConceptActivation(10, 3, DIM);
        NDList input = new NDList(sequence(), sequenceMask());
        initialize(activation, manager, input, 1);

        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray activated = activation
                    .forward(new ParameterStore(manager, false), input, true)
                    .get(0);
            collector.backward(
                    activated.mul(manager.randomNormal(activated.getShape())).sum());
        }

        for (Pair<String, Parameter> p : activation.getParameters()) {
            assertThat(p.getValue().getArray().getGradient().abs().sum().getFloat())
                    .as(p.getKey())
                    .isPositive();
        }
        assertThat(activation.getParameters().keys())
                .as("W1, W2 and C")
                .hasSize(3)
                .anyMatch(name -> name.contains("sequenceAttention") && name.contains("projection"))
                .anyMatch(name -> name.contains("sequenceAttention") && name.contains("headWeights"));
    }

    @Test
    void intentionAssignmentIsADistributionOverIntentionsPerItem() {
        NDList input = new NDList(sequence(), manager.randomNormal(new Shape(3, 2, DIM)));
        IntentionAssignment assignment = new IntentionAssignment(DIM);
        initialize(assignment, manager, input, 1);

        NDArray p = forward(assignment, manager, input).head();

        assertThat(p.getShape()).isEqualTo(new Shape(3, STEPS, 2));
        assertThat(p.sum(new int[] {2}).toFloatArray()).containsOnly(new float[] {1f}, within(1e-5f));
    }

    @Test
    void attentionWeightingIsADistributionOverRealItemsThatDependsOnPosition() {
        NDArray repeated = manager.ones(new Shape(1, STEPS, DIM));
        NDArray full = manager.ones(new Shape(1, STEPS));
        AttentionWeighting weighting = new AttentionWeighting(2, DIM, 5);
        NDList input = new NDList(sequence(), sequenceMask());
        initialize(weighting, manager, input, 1);

        NDArray p = forward(weighting, manager, input).head();
        NDArray sameItem =
                forward(weighting, manager, new NDList(repeated, full)).head();

        assertThat(p.getShape()).isEqualTo(new Shape(3, 2, STEPS));
        assertThat(p.sum(new int[] {2}).toFloatArray()).containsOnly(new float[] {1f}, within(1e-5f));
        assertThat(p.get("1, :, 2:").abs().sum().getFloat())
                .as("padding of user 1")
                .isZero();
        assertThat(sameItem.max().getFloat() - sameItem.min().getFloat())
                .as("one item repeated is weighted by its position")
                .isGreaterThan(1e-4f);
    }

    @Test
    void interestEmbeddingIsTheNormalisedDoublyWeightedSum() {
        NDArray x = sequence();
        NDArray itemToIntention = distribution(new Shape(3, STEPS, 2), 2);
        NDArray intentionToItem = distribution(new Shape(3, 2, STEPS), 2);
        NDList input = new NDList(itemToIntention, intentionToItem, x);
        InterestEmbedding embedding = new InterestEmbedding();
        initialize(embedding, manager, input, 1);

        NDArray phi = forward(embedding, manager, input).head();

        NDArray raw = itemToIntention.transpose(0, 2, 1).mul(intentionToItem).matMul(x);
        NDArray centred = raw.sub(raw.mean(new int[] {2}, true));
        NDArray expected = centred.div(
                centred.square().mean(new int[] {2}, true).add(1e-5f).sqrt());
        assertThat(phi.getShape()).isEqualTo(new Shape(3, 2, DIM));
        assertThat(maxAbsDifference(phi, expected)).isLessThan(1e-4f);
    }

    @Test
    void interestAggregationWeighsTheInterestsByTheCurrentIntention() {
        NDArray interests = manager.randomNormal(new Shape(3, 2, DIM));
        NDList input = new NDList(
                distribution(new Shape(3, STEPS, 2), 2),
                manager.randomNormal(new Shape(3, 2, DIM)),
                sequenceMask(),
                interests);
        InterestAggregation sharp = new InterestAggregation(DIM, 0.05f);
        InterestAggregation soft = new InterestAggregation(DIM, 5f);
        initialize(sharp, manager, input, 1);
        initialize(soft, manager, input, 1);

        NDList out = forward(sharp, manager, input);
        NDArray vector = out.get(0);
        NDArray weights = out.get(1);

        assertThat(vector.getShape()).isEqualTo(new Shape(3, DIM));
        assertThat(weights.sum(new int[] {1}).toFloatArray()).containsOnly(new float[] {1f}, within(1e-5f));
        NDArray expected = weights.expandDims(2).mul(interests).sum(new int[] {1});
        assertThat(maxAbsDifference(vector, expected)).isLessThan(1e-5f);
        float softMax = forward(soft, manager, input).get(1).max().getFloat();
        assertThat(weights.max().getFloat())
                .as("a lower temperature sharpens e_k")
                .isGreaterThan(softMax);
    }

    @Test
    void covarianceRegularizerMatchesAHandComputedExample() {
        // centred rows [-1,0,1], [-2,0,2], [1,0,-1]; M = (1/3)[[2,4,-2],[4,8,-4],[-2,-4,2]];
        // ‖M‖²_F = 144/9 = 16, ‖diag M‖² = 72/9 = 8, L_c = ½(16 − 8) = 4
        NDArray concepts = manager.create(new float[] {1, 2, 3, 2, 4, 6, 1, 0, -1}, new Shape(3, 3));
        CovarianceRegularizer regularizer = new CovarianceRegularizer();
        NDList input = new NDList(concepts);
        initialize(regularizer, manager, input, 1);

        assertThat(forward(regularizer, manager, input).head().getFloat()).isCloseTo(4f, within(1e-5f));
        assertThat(regularizer.getOutputShapes(input.getShapes())).containsExactly(new Shape());

        NDArray uncorrelated = manager.create(new float[] {1, -1, 0, 0, 0, 0, 1, -1}, new Shape(2, 4));
        assertThat(forward(regularizer, manager, new NDList(uncorrelated))
                        .head()
                        .getFloat())
                .isCloseTo(0f, within(1e-7f));
    }
}
