/**
 * The encoder stage: feature snapshots in, user vectors out, with the model kept current from {@code model-updates}
 * (docs/design.md, "Architecture", "Model sync", "Failure semantics").
 *
 * <p><b>Wiring</b> ({@link io.streamrec.flink.encode.UserVectorEncoderOperator#attach}):
 * <pre>{@code
 * DataStream<ModelUpdate> updates = env.fromSource(
 *         KafkaSource<ModelUpdate> on model-updates, OffsetsInitializer.earliest(), no consumer-group offsets needed,
 *         WatermarkStrategy.noWatermarks(), "model-updates source").setParallelism(1).uid("model-updates-source");
 * SingleOutputStreamOperator<UserVector> vectors =
 *         UserVectorEncoderOperator.attach(featureSnapshots, updates, EncoderOperatorConfig.defaults());
 * vectors.sinkTo(KafkaSink on user-vectors, key = userId, value = UserVector (JSON or Avro binary))
 *         .uid("user-vectors-sink");   // the topic is created compacted (cleanup.policy=compact)
 * }</pre>
 * The snapshots reach the encoder on a forward edge (same parallelism as the user state, chained); the updates are
 * broadcast, so every subtask holds the same versions. The updates source must read from the earliest offset on a
 * fresh start, so that an encoder starting after the trainer still finds its FULL update.
 *
 * <p><b>Delivery.</b> At-least-once by default: the batch is flushed before each checkpoint barrier, so a vector is
 * either emitted before the checkpoint or its snapshot is replayed after a restore. Consumers keep, per user, the
 * vector with the largest (modelVersion, eventTime), so replays are harmless.
 *
 * <p><b>Recovery.</b> The encoder checkpoints only the snapshots that wait for a first model. Its replica is not in
 * the checkpoint (it may be far larger than the state it serves), so after a restore it is empty and the encoder
 * keeps snapshots pending. The model-updates source resumes from its checkpointed offset, which is past the FULL
 * updates already read; the trainer publishes a FULL when it starts (and every N minutes), so that FULL, written
 * after the restore, is what fills the replica; the pending snapshots are then encoded. Until then the vector path
 * is paused, not failed, and the log says "encoder waiting for model".
 */
package io.streamrec.flink.encode;
