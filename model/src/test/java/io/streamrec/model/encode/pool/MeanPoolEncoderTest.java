package io.streamrec.model.encode.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.model.encode.EncoderOutput;
import io.streamrec.model.encode.Encoders;
import io.streamrec.model.encode.UserEncoder;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MeanPoolEncoderTest {

    private static final EncoderDimensions DIMS = new EncoderDimensions(new int[] {3, 2, 2, 1, 1}, 2, 5);
    private static final int B = 2;
    private static final int T = 3;

    @Test
    void outputsOneInterestEqualToTheVectorAndIgnoresPaddedValues() {
        UserEncoder encoder = new MeanPoolEncoder(DIMS, 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            encoder.block().initialize(manager, DataType.FLOAT32, shapes());
            ParameterStore store = new ParameterStore(manager, false);
            float[] mask = {1, 1, 0, 0, 0, 0};
            NDList out = encoder.block().forward(store, inputs(manager, mask, 1f), false);
            NDList noisyPadding = encoder.block().forward(store, inputs(manager, mask, 100f), false);

            assertThat(out.get(EncoderOutput.INTERESTS).getShape()).isEqualTo(new Shape(B, 1, 5));
            assertThat(out.get(EncoderOutput.VECTOR).getShape()).isEqualTo(new Shape(B, 5));
            assertThat(out.get(EncoderOutput.INTERESTS).squeeze(1).toFloatArray())
                    .containsExactly(out.get(EncoderOutput.VECTOR).toFloatArray());
            assertThat(noisyPadding.get(EncoderOutput.VECTOR).toFloatArray())
                    .containsExactly(out.get(EncoderOutput.VECTOR).toFloatArray(), Offset.offset(1e-6f));
            for (float x : out.get(EncoderOutput.VECTOR).toFloatArray()) {
                assertThat(x).as("all-masked second user").isFinite();
            }
        }
    }

    @Test
    void theMaskedMeanAveragesOnlyRealPositionsAndIsZeroWithNone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray sequence =
                    manager.create(new float[] {1, 2, 3, 4, 50, 60, 7, 8, 9, 10, 11, 12}, new Shape(2, 3, 2));
            NDArray mask = manager.create(new float[] {1, 1, 0, 0, 0, 0}, new Shape(2, 3));
            assertThat(MeanPoolBlock.maskedMean(sequence, mask).toFloatArray()).containsExactly(2, 3, 0, 0);
        }
    }

    @Test
    void readsItsHiddenWidthsFromItsSettingsAndRejectsUnknownKeys() {
        UserEncoder built =
                Encoders.factory("meanpool", Map.of("meanpool.hidden", "4, 6")).apply(DIMS);
        assertThat(built.name()).isEqualTo("meanpool");
        assertThat(built.interestCount()).isEqualTo(1);
        assertThatThrownBy(() -> Encoders.factory("meanpool", Map.of("meanpool.depth", "2")))
                .hasMessageContaining("unknown option meanpool.depth");
        assertThatThrownBy(() -> Encoders.factory("meanpool", Map.of("meanpool.hidden", "x")))
                .hasMessageContaining("meanpool.hidden is 'x', not comma-separated whole numbers");
        assertThatThrownBy(() -> Encoders.factory("meanpool", Map.of("meanpool.hidden", "4,0")))
                .hasMessageContaining("meanpool.hidden is 4,0: give positive widths");
    }

    private static Shape[] shapes() {
        Shape[] shapes = new Shape[EncoderInput.SIZE];
        shapes[EncoderInput.SESSION] = new Shape(B, T, DIMS.itemInputDim());
        shapes[EncoderInput.SESSION_MASK] = new Shape(B, T);
        for (Feature f : Feature.values()) {
            shapes[EncoderInput.longTerm(f)] = new Shape(B, T, DIMS.featureDim(f));
            shapes[EncoderInput.longTermMask(f)] = new Shape(B, T);
        }
        shapes[EncoderInput.USER] = new Shape(B, DIMS.userDim());
        return shapes;
    }

    /** Real positions hold 1s; padded positions hold {@code padding}. */
    private static NDList inputs(NDManager manager, float[] mask, float padding) {
        NDArray[] arrays = new NDArray[EncoderInput.SIZE];
        NDArray maskArray = manager.create(mask, new Shape(B, T));
        arrays[EncoderInput.SESSION] = filled(manager, maskArray, DIMS.itemInputDim(), padding);
        arrays[EncoderInput.SESSION_MASK] = maskArray;
        for (Feature f : Feature.values()) {
            arrays[EncoderInput.longTerm(f)] = filled(manager, maskArray, DIMS.featureDim(f), padding);
            arrays[EncoderInput.longTermMask(f)] = maskArray;
        }
        arrays[EncoderInput.USER] = manager.ones(new Shape(B, DIMS.userDim()));
        return new NDList(arrays);
    }

    private static NDArray filled(NDManager manager, NDArray mask, int width, float padding) {
        NDArray m = mask.expandDims(2).repeat(2, width);
        return m.add(m.neg().add(1f).mul(padding));
    }
}
