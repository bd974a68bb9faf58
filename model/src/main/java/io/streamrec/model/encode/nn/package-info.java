/**
 * Neural pieces the encoders share: {@link io.streamrec.model.encode.nn.MaskedSoftmax} (exact zeros for padding and
 * for all-padded rows), {@link io.streamrec.model.encode.nn.MultiHeadSelfAttention},
 * {@link io.streamrec.model.encode.nn.AttentionPooling} (query attention) and
 * {@link io.streamrec.model.encode.nn.SelfAttentivePooling} (query-free, one distribution per head).
 *
 * <p>Memory rule followed by every block here: an operation's result belongs to the manager of its first array, so
 * operations start from the batch's arrays and take parameters second ({@code Linear.linear(x, W)},
 * {@code oneHot.matMul(table)}, {@code x.add(p)}); where a parameter must come first it is first copied into the batch's
 * scope ({@link io.streamrec.model.encode.nn.ScopedParameter}). Scalars that autograd records (a scale, a temperature)
 * are {@link io.streamrec.model.encode.nn.GraphScalar}s, never DJL's number forms such as {@code x.div(2f)}, whose
 * operand the backward pass would read from memory a garbage collection may already have freed.
 */
package io.streamrec.model.encode.nn;
