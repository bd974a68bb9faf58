/**
 * Getting records in and refused records out: Kafka sources that decode and validate inside the source and
 * never throw, per-partition event-time watermarks, routing of refused records to the dead-letter topic, and
 * the job's Kafka sinks (dead letters, the user-features debug topic).
 */
package io.streamrec.flink.ingest;
