package io.streamrec.model.encode.nn;

import ai.djl.ndarray.NDArray;

/**
 * Softmax restricted to the positions a mask keeps (1 = real, 0 = padding).
 *
 * <p>Padded positions get weight exactly 0, whatever their score, so their values can never leak
 * into an output. A slice whose positions are all padded (an empty session, no long-term history)
 * gets all-zero weights rather than a uniform average of padding, which lets every encoder accept
 * empty inputs.
 */
public final class MaskedSoftmax {

    /** (m − 1)·10⁹ puts padded scores at −10⁹: their exp underflows to exactly 0 beside any real score, yet stays finite. */
    private static final float PADDING_SCALE = 1e9f;

    private MaskedSoftmax() {}

    /**
     * w = m ⊙ softmax(m ⊙ x + (1 − m)·(−10⁹)) along {@code axis}.
     *
     * @param scores any shape
     * @param mask   float 0/1, broadcastable to {@code scores}
     * @param axis   the axis to normalise over
     */
    public static NDArray apply(NDArray scores, NDArray mask, int axis) {
        NDArray penalty = mask.sub(1f).mul(PADDING_SCALE);
        return scores.mul(mask).add(penalty).softmax(axis).mul(mask);
    }
}
