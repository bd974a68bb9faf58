/**
 * Online training in the streaming job (docs/design.md, "Training", "Model sync" and "Failure semantics"): the {@link io.streamrec.flink.train.TrainerOperator}
 * consumes the {@code TrainingExample}s that user state emits, tests then trains the model on them, and emits
 * the chunked {@code ModelUpdate}s for {@code model-updates}.
 *
 * <p>Wiring, in the pipeline:
 * <pre>{@code
 * TrainerOperatorConfig trainer = cfg.trainer();   // or TrainerOperatorConfig.builder().model("sdm")
 *                                                  //        .set(TrainerOperatorConfig.DELTA_INTERVAL, ...).build()
 * SingleOutputStreamOperator<ModelUpdate> updates = TrainerOperator.attach(examples, trainer, new ModelUpdatesTail(
 *         cfg.get(JobOptions.BOOTSTRAP_SERVERS), cfg.topics().modelUpdates(), cfg.kafkaProperties()));
 * updates.sinkTo(KafkaSinks.modelUpdates(cfg.kafka(), cfg.topics().modelUpdates(),
 *                 cfg.modelUpdatesMaxMessageBytes(), cfg.deadLetterTopic()))
 *         .setParallelism(1)                                               // chained to the trainer: keeps version order
 *         .uid("model-updates-sink");
 * }</pre>
 * {@code attach} sets parallelism 1, max parallelism 1 and uid {@value io.streamrec.flink.train.TrainerOperator#UID}.
 * The sink must run at parallelism 1 too: at a higher one Flink rebalances the chunks over several producers,
 * and versions could reach the (single, model-name keyed) partition out of order. Chunks stay under
 * {@code model-update-max-bytes} (900 KiB by default), within Kafka's default 1 MiB {@code max.request.size} and topic
 * {@code max.message.bytes}.
 *
 * <p>Sampling policy under overload: see {@link io.streamrec.flink.train.SamplingQueue}. How training batches
 * mix users: see {@link io.streamrec.flink.train.MixingBuffer}. Versions after a restore: see
 * {@link io.streamrec.flink.train.TrainerState}; after a start without a checkpoint: see
 * {@link io.streamrec.model.sync.LatestPublishedVersion}.
 */
package io.streamrec.flink.train;
