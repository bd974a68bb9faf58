/**
 * Training losses as plain NDArray math: the in-batch {@link
 * io.streamrec.model.train.loss.SampledSoftmaxLoss} with logQ correction, accidental-hit masking,
 * rewards and optional extra negatives ({@link io.streamrec.model.train.loss.ExtraNegatives}, corrected
 * by {@link io.streamrec.model.train.loss.MixedNegativeCorrection}).
 */
package io.streamrec.model.train.loss;
