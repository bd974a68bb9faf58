package io.streamrec.flink.ingest;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** The job's Kafka sources, configured from {@link KafkaSettings}. */
public final class KafkaSources {

    private KafkaSources() {}

    /** The {@code events} topic, decoded from {@code format} and validated within {@code limits} in the source. */
    public static KafkaSource<Either<DeadLetter, SourcedEvent>> events(
            KafkaSettings kafka, String topic, WireFormat format, ValidationLimits limits) {
        return KafkaSources.<Either<DeadLetter, SourcedEvent>>base(kafka, topic)
                .setDeserializer(DecodingDeserializationSchema.events(format, limits))
                .build();
    }

    /** The compacted {@code user-profiles} topic. */
    public static KafkaSource<Either<DeadLetter, UserProfile>> profiles(
            KafkaSettings kafka, String topic, WireFormat format, ValidationLimits limits) {
        return KafkaSources.<Either<DeadLetter, UserProfile>>base(kafka, topic)
                .setDeserializer(DecodingDeserializationSchema.profiles(format, limits))
                .build();
    }

    /**
     * The {@code model-updates} topic, always from the earliest offset on a fresh start (whatever
     * {@link KafkaSettings#startingOffsets()} says) and never bounded: an encoder that starts after the
     * trainer must still find the FULL update, and it follows the trainer for as long as the job runs.
     * After a restore it resumes from its checkpointed offset.
     */
    public static KafkaSource<ModelUpdate> modelUpdates(KafkaSettings kafka, String topic) {
        return KafkaSources.<ModelUpdate>common(kafka, topic, OffsetsInitializer.earliest())
                .setDeserializer(new ModelUpdateDeserializationSchema())
                .build();
    }

    private static <T> KafkaSourceBuilder<T> base(KafkaSettings kafka, String topic) {
        KafkaSourceBuilder<T> builder = common(kafka, topic, kafka.startingOffsets());
        if (kafka.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder;
    }

    private static <T> KafkaSourceBuilder<T> common(KafkaSettings kafka, String topic, OffsetsInitializer start) {
        KafkaSourceBuilder<T> builder = KafkaSource.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(topic)
                .setGroupId(kafka.consumerGroup())
                .setClientIdPrefix(kafka.consumerGroup() + "-" + topic)
                .setStartingOffsets(start)
                // transactional producers' aborted records must never reach user state or the encoders
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        kafka.clientProperties().forEach(builder::setProperty);
        return builder;
    }
}
