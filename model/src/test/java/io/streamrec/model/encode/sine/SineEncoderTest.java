package io.streamrec.model.encode.sine;

import static io.streamrec.model.encode.EncoderFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderFixtures.Lengths;
import io.streamrec.model.encode.EncoderOutput;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SineEncoderTest {

    private static final Lengths MIXED = new Lengths(new int[] {5, 2, 1, 0}, new int[] {3, 0, 4, 1});
    private static final SineConfig SMALL = new SineConfig(12, 3, 0.1, 0.5, 6);

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private SineEncoder encoder(EncoderDimensions dims, NDList input) {
        SineEncoder sine = new SineEncoder(dims, SMALL);
        initialize(sine, manager, input, 7);
        return sine;
    }

    @Test
    void outputsKInterestsTheAggregateAndTheWeightedRegulariser() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 1);
        SineEncoder sine = encoder(dims, input);

        NDList out = forward(sine, manager, input);

        assertThat(out).hasSize(3);
        assertThat(out.get(EncoderOutput.INTERESTS).getShape()).isEqualTo(new Shape(4, 3, 8));
        assertThat(out.get(EncoderOutput.VECTOR).getShape()).isEqualTo(new Shape(4, 8));
        assertThat(out.get(EncoderOutput.REGULARISER).getShape()).isEqualTo(new Shape());
        assertThat(sine.getOutputShapes(input.getShapes()))
                .containsExactly(new Shape(4, 3, 8), new Shape(4, 8), new Shape());
        assertThat(out.get(EncoderOutput.REGULARISER).getFloat()).isPositive();
        assertThat(sine.interestCount()).isEqualTo(3);
    }

    @Test
    void valuesAtPaddedPositionsChangeNothing() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(100));
        NDList repadded = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(200));
        SineEncoder sine = encoder(dims, input);

        NDList a = forward(sine, manager, input);
        NDList b = forward(sine, manager, repadded);

        assertThat(maxAbsDifference(a.get(EncoderOutput.INTERESTS), b.get(EncoderOutput.INTERESTS))).isLessThan(1e-5f);
        assertThat(maxAbsDifference(a.get(EncoderOutput.VECTOR), b.get(EncoderOutput.VECTOR))).isLessThan(1e-5f);
    }

    @Test
    void realValuesDoChangeTheOutput() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(100));
        NDList other = input(manager, dims, 5, 4, MIXED, new Random(4), new Random(100));
        SineEncoder sine = encoder(dims, input);

        NDArray a = forward(sine, manager, input).get(EncoderOutput.VECTOR);
        NDArray b = forward(sine, manager, other).get(EncoderOutput.VECTOR);

        assertThat(maxAbsDifference(a.get("0:3"), b.get("0:3"))).isGreaterThan(1e-3f);
    }

    @Test
    void emptySessionGivesFiniteOutputs() {
        EncoderDimensions dims = smallDimensions(0);
        NDList input = input(manager, dims, 3, 2, new Lengths(new int[] {0, 0}, new int[] {0, 0}), 5);
        SineEncoder sine = encoder(dims, input);

        for (NDArray output : forward(sine, manager, input)) {
            for (float v : output.toFloatArray()) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void gradientsReachEveryParameter() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 9);
        SineEncoder sine = encoder(dims, input);

        assertThat(sine.getParameters().keys()).anyMatch(name -> name.contains("conceptPool"));
        assertThat(parametersWithoutGradient(sine, manager, input, 11)).isEmpty();
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
