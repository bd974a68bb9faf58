/**
 * Model sync: how the model travels from the trainer to every consumer, with no Flink or Kafka in it.
 *
 * <ul>
 *   <li>{@link io.streamrec.model.sync.ModelUpdates} publishes chunked FULL updates (each with the complete
 *       {@code ModelSpec}, so a consumer rebuilds the model from the topic alone, see
 *       {@link io.streamrec.model.sync.ModelSpecs}) and DELTAs.
 *   <li>{@link io.streamrec.model.sync.UpdateSequence} puts the chunks in the order a consumer applies them: FULL,
 *       then deltas in version order; a delta on a foreign base waits for the next FULL.
 *   <li>{@link io.streamrec.model.sync.UpdateValidator} checks each version before anything applies it.
 *   <li>{@link io.streamrec.model.sync.ReplicaSync} keeps a {@link io.streamrec.model.sync.Replica} current:
 *       deltas in place, a FULL built in the background and swapped in at the owner's batch boundary. The
 *       encoders' {@link io.streamrec.model.sync.EncoderReplica} and the serving module's model both use it.
 *   <li>{@link io.streamrec.model.sync.VectorRecency}: which of two vectors of a user to keep.
 *   <li>{@link io.streamrec.model.sync.UpdateLogTail} and {@link io.streamrec.model.sync.LatestPublishedVersion}:
 *       what a starting trainer or consumer reads from the end of the update log.
 * </ul>
 */
package io.streamrec.model.sync;
