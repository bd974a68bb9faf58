/**
 * SDM, Sequential Deep Matching (Lv et al., CIKM 2019), one DJL block per idea of the paper:
 * {@link io.streamrec.model.encode.sdm.SessionLstm} → {@link io.streamrec.model.encode.nn.MultiHeadSelfAttention} →
 * {@link io.streamrec.model.encode.sdm.UserAttention} for the short term, one
 * {@link io.streamrec.model.encode.sdm.LongTermAttention} per feature and
 * {@link io.streamrec.model.encode.sdm.LongTermFusion} for the long term, and
 * {@link io.streamrec.model.encode.sdm.GatedFusion} between them; assembled by
 * {@link io.streamrec.model.encode.sdm.SdmEncoder}.
 *
 * <p>Departures from the paper, each forced by our inputs: e_u is projected to the width D of the session states by
 * {@link io.streamrec.model.encode.sdm.UserEmbedding} (a learned vector when there are no profile features), and the
 * long-term attention matches e_u to each feature's own width d_f through a learned W_f.
 */
package io.streamrec.model.encode.sdm;
