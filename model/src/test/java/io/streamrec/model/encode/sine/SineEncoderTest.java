package io.streamrec.model.encode.sine;

import static io.streamrec.model.encode.EncoderFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderFixtures.Lengths;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.model.encode.EncoderOutput;
import io.streamrec.model.encode.NDManagerTest;
import org.junit.jupiter.api.Test;

/** SINE-specific behaviour; the shared encoder contract is in EncoderContractTest. */
class SineEncoderTest extends NDManagerTest {

    private static final Lengths MIXED = new Lengths(new int[] {5, 2, 1, 0}, new int[] {3, 0, 4, 1});
    private static final SineConfig SMALL = new SineConfig(12, 3, 0.1, 0.5, 6);

    private SineEncoder encoder(EncoderDimensions dims, NDList input) {
        SineEncoder sine = new SineEncoder(dims, SMALL);
        initialize(sine, manager, input, 7);
        return sine;
    }

    @Test
    void outputsKInterestsTheAggregateAndTheWeightedRegulariserWhenTraining() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 1);
        SineEncoder sine = encoder(dims, input);

        NDList inference = forward(sine, manager, input);
        NDList training = sine.forward(new ParameterStore(manager, false), input, true);

        assertThat(inference.getShapes()).containsExactly(new Shape(4, 3, 8), new Shape(4, 8), new Shape());
        assertThat(inference.get(EncoderOutput.REGULARISER).getFloat())
                .as("inference skips the training loss")
                .isZero();
        NDArray pool = sine.getParameters().stream()
                .filter(p -> p.getKey().endsWith("conceptActivation_conceptPool"))
                .findFirst()
                .orElseThrow()
                .getValue()
                .getArray();
        float lc = new CovarianceRegularizer()
                .forward(new ParameterStore(manager, false), new NDList(pool.duplicate()), true)
                .head()
                .getFloat();
        assertThat(training.get(EncoderOutput.REGULARISER).getFloat())
                .as("λ·L_c")
                .isPositive()
                .isCloseTo(0.5f * lc, within(1e-5f));
        assertThat(maxAbsDifference(inference.get(EncoderOutput.VECTOR), training.get(EncoderOutput.VECTOR)))
                .isZero();
    }

    @Test
    void readsOnlyTheSession() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 1);
        NDList otherContext = input(manager, dims, 5, 4, MIXED, 1);
        for (Feature f : Feature.values()) {
            otherContext.set(
                    EncoderInput.longTerm(f),
                    otherContext.get(EncoderInput.longTerm(f)).mul(-3f));
        }
        otherContext.set(EncoderInput.USER, otherContext.get(EncoderInput.USER).mul(-3f));
        SineEncoder sine = encoder(dims, input);

        NDArray a = forward(sine, manager, input).get(EncoderOutput.VECTOR);
        NDArray b = forward(sine, manager, otherContext).get(EncoderOutput.VECTOR);

        assertThat(maxAbsDifference(a, b)).isZero();
    }

    @Test
    void sessionsLongerThanThePositionTableAreRejected() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 7, 2, new Lengths(new int[] {7}, new int[] {1}), 1);
        SineEncoder sine = encoder(dims, input);

        assertThatThrownBy(() -> forward(sine, manager, input))
                .hasMessageContaining("session of 7 positions exceeds the 6 position embeddings");
    }
}
