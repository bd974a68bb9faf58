package io.streamrec.model.encode;

import io.streamrec.model.Feature;

/**
 * Layout of the {@code NDList} a {@link UserEncoder} block takes. Inputs arrive already embedded:
 * lookups happen in the row-sparse embedding tables outside the block, so the block itself holds
 * only dense parameters.
 *
 * <p>Every sequence is right-padded to at least length 1; a mask of 1 marks a real position and 0
 * padding. An all-zero mask (an empty session, or no long-term history) is legal and must produce
 * finite outputs.
 *
 * <ul>
 *   <li>{@link #SESSION}: (B, T, D_item) item input embeddings e_i of the session S^u, oldest first</li>
 *   <li>{@link #SESSION_MASK}: (B, T) float</li>
 *   <li>for each {@link Feature} f in declaration order, at {@link #longTerm(Feature)}:
 *       (B, L_f, d_f) embeddings of L_f^u, then at {@link #longTermMask(Feature)} its (B, L_f) mask</li>
 *   <li>{@link #USER}: (B, D_user) e_u, the concat of profile-feature embeddings (zeros when the user has no profile)</li>
 * </ul>
 */
public final class EncoderInput {
    public static final int SESSION = 0;
    public static final int SESSION_MASK = 1;
    private static final int LONG_TERM_BASE = 2;
    public static final int USER = LONG_TERM_BASE + 2 * Feature.COUNT;
    /** Number of arrays in the input list. */
    public static final int SIZE = USER + 1;

    private EncoderInput() {}

    public static int longTerm(Feature f) {
        return LONG_TERM_BASE + 2 * f.ordinal();
    }

    public static int longTermMask(Feature f) {
        return longTerm(f) + 1;
    }
}
