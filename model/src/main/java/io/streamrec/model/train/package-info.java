/**
 * Online training (docs/design.md, "Training"): {@link io.streamrec.model.train.OnlineTrainer} scores a batch over the
 * whole item vocabulary (prequential), then takes one step of the logQ-corrected in-batch softmax;
 * {@link io.streamrec.model.train.TrainerConfig} holds every setting; save/load checkpoints it all.
 */
package io.streamrec.model.train;
