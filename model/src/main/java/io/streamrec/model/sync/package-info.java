/**
 * Model sync (DESIGN §8): {@link io.streamrec.model.sync.ModelUpdates} publishes chunked FULL
 * snapshots and DELTAs in the {@code ModelUpdate} contract; {@link io.streamrec.model.sync.EncoderReplica}
 * is the encoder-side copy that applies them in version order.
 */
package io.streamrec.model.sync;
