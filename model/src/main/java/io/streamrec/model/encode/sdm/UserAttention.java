package io.streamrec.model.encode.sdm;

import io.streamrec.model.encode.nn.AttentionPooling;

/**
 * SDM's user attention over the self-attended session: α_k = softmax_k(ĥ_kᵀ e_u), s_t^u = Σ_k α_k ĥ_k.
 *
 * <p>Input {@code NDList(X̂^u (B,T,D), mask (B,T), e_u (B,D))}; output {@code NDList(s_t^u (B,D), α (B,T))}.
 */
public class UserAttention extends AttentionPooling {

    public UserAttention(int dim) {
        super(dim, dim);
    }
}
