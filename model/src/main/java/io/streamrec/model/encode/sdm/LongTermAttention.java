package io.streamrec.model.encode.sdm;

import io.streamrec.model.encode.nn.AttentionPooling;

/**
 * SDM's long-term attention for one feature f: α_k = softmax_k(g_k^fᵀ W_f e_u), z_f^u = Σ_k α_k g_k^f over
 * the embeddings g^f of L_f^u. W_f maps e_u (width D) to the feature's width d_f; the paper has d_f = D.
 *
 * <p>Input {@code NDList(L_f (B,L_f,d_f), mask (B,L_f), e_u (B,D))}; output {@code NDList(z_f^u (B,d_f), α (B,L_f))}.
 */
public class LongTermAttention extends AttentionPooling {

    public LongTermAttention(int featureDim, int userDim) {
        super(featureDim, userDim);
    }
}
