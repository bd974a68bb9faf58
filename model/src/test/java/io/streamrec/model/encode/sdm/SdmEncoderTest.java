package io.streamrec.model.encode.sdm;

import static io.streamrec.model.encode.EncoderFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderFixtures.Lengths;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.model.encode.EncoderOutput;
import io.streamrec.model.encode.NDManagerTest;
import org.junit.jupiter.api.Test;

/** SDM-specific behaviour; the shared encoder contract is in EncoderContractTest. */
class SdmEncoderTest extends NDManagerTest {

    private static final Lengths MIXED = new Lengths(new int[] {5, 2, 1, 0}, new int[] {3, 0, 4, 1});

    private SdmEncoder encoder(EncoderDimensions dims, NDList input) {
        SdmEncoder sdm = new SdmEncoder(dims, SdmConfig.defaults());
        initialize(sdm, manager, input, 7);
        return sdm;
    }

    @Test
    void outputsOneInterestThatIsTheFusedVector() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 1);
        SdmEncoder sdm = encoder(dims, input);

        NDList out = forward(sdm, manager, input);

        assertThat(out).hasSize(2);
        assertThat(out.get(EncoderOutput.INTERESTS).getShape()).isEqualTo(new Shape(4, 1, 8));
        assertThat(maxAbsDifference(out.get(EncoderOutput.INTERESTS).squeeze(1), out.get(EncoderOutput.VECTOR)))
                .isZero();
        assertThat(sdm.interestCount()).isEqualTo(1);
        assertThat(sdm.name()).isEqualTo("sdm");
        assertThat(sdm.block()).isSameAs(sdm);
    }

    @Test
    void longTermHistoryShapesTheVectorOfUsersWhoHaveOne() {
        EncoderDimensions dims = smallDimensions(6);
        NDList input = input(manager, dims, 5, 4, MIXED, 1);
        NDList otherHistory = input(manager, dims, 5, 4, MIXED, 1);
        for (Feature f : Feature.values()) {
            otherHistory.set(
                    EncoderInput.longTerm(f),
                    otherHistory.get(EncoderInput.longTerm(f)).mul(-3f));
        }
        SdmEncoder sdm = encoder(dims, input);

        NDArray a = forward(sdm, manager, input).get(EncoderOutput.VECTOR);
        NDArray b = forward(sdm, manager, otherHistory).get(EncoderOutput.VECTOR);

        assertThat(maxAbsDifference(a.get("0"), b.get("0")))
                .as("user with history")
                .isGreaterThan(1e-3f);
        assertThat(maxAbsDifference(a.get("1"), b.get("1")))
                .as("user without history")
                .isZero();
    }

    @Test
    void headsMustDivideTheWidth() {
        assertThatThrownBy(() -> new SdmEncoder(smallDimensions(6), new SdmConfig(3, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sdm.attention-heads is 3: it must divide the output width D=8");
    }
}
