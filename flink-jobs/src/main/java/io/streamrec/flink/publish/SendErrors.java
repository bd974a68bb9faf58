package io.streamrec.flink.publish;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * What a failed Kafka send means for the job. The producer has already retried what Kafka calls retriable until
 * {@code delivery.timeout.ms}, so an error reaching a callback is final for that attempt.
 */
public enum SendErrors {
    /** The broker (or the producer's own size check) refused this one record; the rest of the topic is fine. */
    RECORD,
    /**
     * The record was not written only because another record of its batch was refused: the broker rejects such a
     * batch whole and the producer fails the others with a generic error. Sending it again is safe.
     */
    BYSTANDER,
    /** The topic cannot be written at all (missing, not authorised, misconfigured): no restart will help. */
    TOPIC,
    /** Anything else (the broker unreachable past the delivery timeout, ...): a restart may well help. */
    TRANSIENT;

    /** The message Kafka's producer gives the records of a batch refused for another record's sake. */
    private static final String BYSTANDER_MESSAGE = "part of a batch which had one more more invalid records";

    public static SendErrors of(Exception error) {
        if (error instanceof InvalidTimestampException
                || error instanceof RecordTooLargeException
                || error instanceof RecordBatchTooLargeException
                || error instanceof CorruptRecordException
                || error instanceof InvalidRecordException) {
            return RECORD;
        }
        if (error.getClass() == KafkaException.class
                && error.getMessage() != null
                && error.getMessage().contains(BYSTANDER_MESSAGE)) {
            return BYSTANDER;
        }
        if (error instanceof AuthorizationException
                || error instanceof AuthenticationException
                || error instanceof InvalidTopicException
                || error instanceof UnknownTopicOrPartitionException
                || error instanceof InvalidConfigurationException
                || error instanceof UnsupportedVersionException) {
            return TOPIC;
        }
        return TRANSIENT;
    }

    /** The error's type and message, as a dead letter's reason detail. */
    public static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }
}
