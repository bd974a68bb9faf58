/**
 * SINE, Sparse-Interest Network (Tan et al., WSDM 2021), one DJL block per idea of the paper:
 * {@link io.streamrec.model.encode.sine.ConceptActivation}, {@link io.streamrec.model.encode.sine.IntentionAssignment},
 * {@link io.streamrec.model.encode.sine.AttentionWeighting}, {@link io.streamrec.model.encode.sine.InterestEmbedding},
 * {@link io.streamrec.model.encode.sine.InterestAggregation} and the
 * {@link io.streamrec.model.encode.sine.CovarianceRegularizer}; assembled by
 * {@link io.streamrec.model.encode.sine.SineEncoder}.
 *
 * <p>Choices where the paper leaves room: the sequence X is the current session (projected to D when D_item ≠ D);
 * the attention weighting has its own W_{k,1}, W_{k,2} per intention k, as the equations write it; C̄ in the
 * regulariser is each prototype's mean over its D components; L_c is computed in training passes only.
 */
package io.streamrec.model.encode.sine;
