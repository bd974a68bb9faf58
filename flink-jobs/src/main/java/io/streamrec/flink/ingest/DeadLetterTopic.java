package io.streamrec.flink.ingest;

import io.streamrec.schemas.ingest.WireFormat;
import java.util.Objects;

/**
 * Where refused records go, and in which format: the events' dead-letter topic, written by its own sink and by every
 * other sink for a record Kafka would refuse (see {@link io.streamrec.flink.publish.KeyedRecordSerializationSchema}).
 */
public record DeadLetterTopic(String topic, WireFormat format) {

    public DeadLetterTopic {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(format, "format");
    }
}
