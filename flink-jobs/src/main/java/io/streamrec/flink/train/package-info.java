/**
 * Online training in the streaming job (DESIGN.md §7–§9): the {@link io.streamrec.flink.train.TrainerOperator}
 * consumes the {@code TrainingExample}s that user state emits, tests then trains the model on them, and emits
 * the chunked {@code ModelUpdate}s for {@code model-updates}.
 *
 * <p>Wiring, in the pipeline:
 * <pre>{@code
 * TrainerOperatorConfig trainer = TrainerOperatorConfig.builder()
 *         .encoder("sdm").trainer(TrainerConfig.builder().build())
 *         .deltaInterval(Duration.ofSeconds(10)).fullSnapshotInterval(Duration.ofMinutes(10))
 *         .build();
 * SingleOutputStreamOperator<ModelUpdate> updates = TrainerOperatorFactory.attach(pipeline.trainingExamples(), trainer);
 * updates.sinkTo(<Kafka sink to model-updates, key = ModelUpdate.modelName, value = Avro binary>);
 * }</pre>
 * {@code attach} sets parallelism 1, max parallelism 1 and uid {@value io.streamrec.flink.train.TrainerOperatorFactory#UID};
 * the trainer must not be chained behind anything that it could slow (it is not: its input comes from a
 * parallel operator's side output over the network).
 *
 * <p>Sampling policy under overload: see {@link io.streamrec.flink.train.SamplingQueue}. Versions after a
 * restore: see {@link io.streamrec.flink.train.TrainerState}.
 */
package io.streamrec.flink.train;
