package io.streamrec.model.encode.sdm;

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

class SdmEncoderTest {

    private static final Lengths MIXED = new Lengths(new int[] {5, 2, 1, 0}, new int[] {3, 0, 4, 1});

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private SdmEncoder encoder(EncoderDimensions dims, NDList input) {
        SdmEncoder sdm = new SdmEncoder(dims, SdmConfig.defaults());
        initialize(sdm, manager, input, 7);
        return sdm;
    }

    @Test
    void outputsOneInterestAndTheFusedVector() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 1);
        SdmEncoder sdm = encoder(dims, input);

        NDList out = forward(sdm, manager, input);

        assertThat(out).hasSize(2);
        assertThat(out.get(EncoderOutput.INTERESTS).getShape()).isEqualTo(new Shape(4, 1, 8));
        assertThat(out.get(EncoderOutput.VECTOR).getShape()).isEqualTo(new Shape(4, 8));
        assertThat(sdm.getOutputShapes(input.getShapes())).containsExactly(new Shape(4, 1, 8), new Shape(4, 8));
        assertThat(maxAbsDifference(out.get(EncoderOutput.INTERESTS).squeeze(1), out.get(EncoderOutput.VECTOR))).isZero();
        assertThat(sdm.interestCount()).isEqualTo(1);
        assertThat(sdm.name()).isEqualTo("sdm");
    }

    @Test
    void valuesAtPaddedPositionsChangeNothing() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(100));
        NDList repadded = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(200));
        assertThat(maxAbsDifference(input.get(0), repadded.get(0))).as("the fixtures differ at padding").isGreaterThan(1f);
        SdmEncoder sdm = encoder(dims, input);

        NDArray vector = forward(sdm, manager, input).get(EncoderOutput.VECTOR);
        NDArray repaddedVector = forward(sdm, manager, repadded).get(EncoderOutput.VECTOR);

        assertThat(maxAbsDifference(vector, repaddedVector)).isLessThan(1e-6f);
    }

    @Test
    void realValuesDoChangeTheOutput() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, new Random(3), new Random(100));
        NDList other = input(manager, dims, 5, 4, MIXED, new Random(4), new Random(100));
        SdmEncoder sdm = encoder(dims, input);

        NDArray a = forward(sdm, manager, input).get(EncoderOutput.VECTOR);
        NDArray b = forward(sdm, manager, other).get(EncoderOutput.VECTOR);

        assertThat(maxAbsDifference(a, b)).isGreaterThan(1e-3f);
    }

    @Test
    void emptySessionAndHistoryGiveAFiniteVector() {
        EncoderDimensions dims = smallDimensions(0);
        Lengths empty = new Lengths(new int[] {0, 0}, new int[] {0, 0});
        NDList input = input(manager, dims, 3, 2, empty, 5);
        SdmEncoder sdm = encoder(dims, input);

        NDArray vector = forward(sdm, manager, input).get(EncoderOutput.VECTOR);

        float[] values = vector.toFloatArray();
        assertThat(values).hasSize(16);
        for (float v : values) {
            assertThat(v).isFinite();
        }
    }

    @Test
    void gradientsReachEveryParameter() {
        for (int userDim : new int[] {6, 0}) {
            EncoderDimensions dims = smallDimensions(userDim);
            NDList input = input(manager, dims, 5, 4, MIXED, 9);
            SdmEncoder sdm = encoder(dims, input);

            assertThat(sdm.getParameters().size()).isGreaterThan(20);
            assertThat(parametersWithoutGradient(sdm, manager, input, 11)).as("D_user=" + userDim).isEmpty();
        }
    }

    @Test
    void headsMustDivideTheWidth() {
        assertThatThrownBy(() -> new SdmEncoder(smallDimensions(6), new SdmConfig(3, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sdm.attention.heads=3 must divide the output width D=8");
    }
}
