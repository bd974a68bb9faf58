package io.streamrec.model.encode;

import io.streamrec.model.Feature;
import java.util.Arrays;

/**
 * The sizes an encoder is built for.
 *
 * @param featureDims embedding width d_f per {@link Feature}, in declaration order
 * @param userDim     width of e_u (the concat of profile-feature embeddings); 0 when there are no profile features
 * @param outputDim   width D of user and item vectors; the item tower maps D_item to D
 */
public record EncoderDimensions(int[] featureDims, int userDim, int outputDim) {

    public EncoderDimensions {
        if (featureDims == null || featureDims.length != Feature.COUNT) {
            throw new IllegalArgumentException("featureDims needs one width per feature (" + Feature.COUNT + ")");
        }
        for (int d : featureDims) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "every feature width must be positive, got " + Arrays.toString(featureDims));
            }
        }
        if (userDim < 0 || outputDim <= 0) {
            throw new IllegalArgumentException("userDim must be >= 0 and outputDim > 0");
        }
        featureDims = featureDims.clone();
    }

    /** D_item = Σ_f d_f, the width of an item input embedding e_i. */
    public int itemInputDim() {
        return Arrays.stream(featureDims).sum();
    }

    public int featureDim(Feature f) {
        return featureDims[f.ordinal()];
    }

    @Override
    public int[] featureDims() {
        return featureDims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncoderDimensions other
                && Arrays.equals(featureDims, other.featureDims)
                && userDim == other.userDim
                && outputDim == other.outputDim;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(featureDims) + userDim) + outputDim;
    }

    @Override
    public String toString() {
        return "EncoderDimensions" + Arrays.toString(featureDims) + ", user=" + userDim + ", out=" + outputDim;
    }
}
