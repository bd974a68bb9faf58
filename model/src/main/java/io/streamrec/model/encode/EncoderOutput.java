package io.streamrec.model.encode;

/**
 * Layout of the {@code NDList} a {@link UserEncoder} block returns.
 *
 * <ul>
 *   <li>{@link #INTERESTS}: (B, K, D) interest vectors (K = 1 for SDM and mean pooling)</li>
 *   <li>{@link #VECTOR}: (B, D) the fused (SDM) or aggregated (SINE) user vector, not yet L2-normalised</li>
 *   <li>{@link #REGULARISER}, present only for encoders with an auxiliary loss: () scalar, already
 *       multiplied by its weight (SINE: λ·L_c)</li>
 * </ul>
 */
public final class EncoderOutput {
    public static final int INTERESTS = 0;
    public static final int VECTOR = 1;
    public static final int REGULARISER = 2;

    private EncoderOutput() {}
}
