package io.streamrec.model.encode.nn;

import ai.djl.ndarray.NDArray;

/**
 * Softmax restricted to the positions a mask keeps (1 = real, 0 = padding).
 *
 * <p>Padded positions get weight exactly 0, whatever their score, so their values can never leak
 * into an output. A slice whose positions are all padded (an empty session, no long-term history)
 * gets all-zero weights rather than the NaN of 0/0, which lets every encoder accept empty inputs.
 */
public final class MaskedSoftmax {

    /** Score given to padded positions before the max-shift; far below any real score, yet finite. */
    private static final float PADDING_SCORE = -1e9f;
    /** Denominator floor: only reached when every position is padded, where the numerator is 0 too. */
    private static final float EMPTY_FLOOR = 1e-12f;

    private MaskedSoftmax() {}

    /**
     * w_i = m_i·exp(x_i − max) / max(Σ_j m_j·exp(x_j − max), ε) along {@code axis}.
     *
     * @param scores any shape
     * @param mask   float 0/1, broadcastable to {@code scores}
     * @param axis   the axis to normalise over
     */
    public static NDArray apply(NDArray scores, NDArray mask, int axis) {
        NDArray kept = scores.mul(mask).add(mask.sub(1f).mul(-PADDING_SCORE));
        NDArray shifted = kept.sub(kept.max(new int[] {axis}, true).stopGradient());
        NDArray weights = shifted.exp().mul(mask);
        return weights.div(weights.sum(new int[] {axis}, true).maximum(EMPTY_FLOOR));
    }
}
