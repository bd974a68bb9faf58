/**
 * Getting records out: the job's Kafka sinks (dead letters, user vectors, model updates, the user-features debug
 * topic), keyed serialization, and the handling of records a broker refuses: a refused record is dead-lettered with
 * the broker's reason instead of failing the job, and only a fault of a whole topic (deleted, not authorised) stops
 * it, with one message naming the topic.
 */
package io.streamrec.flink.publish;
