/**
 * The records passed between the job's operators, with explicit Flink serializers: a
 * {@link io.streamrec.flink.records.FeatureSnapshotSerializer} and a
 * {@link io.streamrec.flink.records.TrainingExampleSerializer}, written field by field, in place of Avro's generic
 * reader and writer, which walked the schema for every record and were most of the encoder's and the trainer's
 * input cost. {@link io.streamrec.flink.records.Records} gives their type information.
 */
package io.streamrec.flink.records;
