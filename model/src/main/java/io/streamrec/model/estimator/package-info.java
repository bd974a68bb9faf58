/**
 * Streaming frequency estimation (Yi et al., RecSys 2019, §4): {@link
 * io.streamrec.model.estimator.StreamingFrequencyEstimator} learns from the training batches how
 * often each item occurs, for the logQ correction of the in-batch softmax, in fixed memory and with
 * exact serialisation for the trainer's checkpoints; {@link
 * io.streamrec.model.estimator.FrequencyEstimatorConfig} holds its validated sizes and rate.
 */
package io.streamrec.model.estimator;
