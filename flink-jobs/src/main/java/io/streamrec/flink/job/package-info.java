/**
 * The streaming job as a whole: its one typed configuration
 * ({@link io.streamrec.flink.job.StreamrecJobConfig}), the graph that wires sources, user state and sinks
 * ({@link io.streamrec.flink.job.StreamrecPipeline}), and the creation of the topics it needs.
 */
package io.streamrec.flink.job;
