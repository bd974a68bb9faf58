/**
 * Getting records in: Kafka sources that decode and validate inside the source and never throw, per-partition
 * event-time watermarks, the routing of refused records towards the dead-letter topic, and the trainer's tail of
 * the model-updates topic. The sinks that write them out are in {@code publish}.
 */
package io.streamrec.flink.ingest;
