package io.streamrec.flink.ingest;

import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserProfile;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.types.Either;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The job's Kafka sources, configured from {@link StreamrecJobConfig}. */
public final class KafkaSources {

    private KafkaSources() {}

    /** The {@code events} topic, decoded and validated in the source. */
    public static KafkaSource<Either<DeadLetter, SourcedEvent>> events(StreamrecJobConfig cfg) {
        return KafkaSources.<Either<DeadLetter, SourcedEvent>>base(
                        cfg, cfg.topics().events())
                .setDeserializer(DecodingDeserializationSchema.events(cfg.eventFormat(), cfg.validationLimits()))
                .build();
    }

    /** The compacted {@code user-profiles} topic. */
    public static KafkaSource<Either<DeadLetter, UserProfile>> profiles(StreamrecJobConfig cfg) {
        return KafkaSources.<Either<DeadLetter, UserProfile>>base(
                        cfg, cfg.topics().userProfiles())
                .setDeserializer(DecodingDeserializationSchema.profiles(cfg.eventFormat(), cfg.validationLimits()))
                .build();
    }

    /**
     * The {@code model-updates} topic, always from the earliest offset on a fresh start (whatever
     * {@link StreamrecJobConfig#startingOffsets()} says) and never bounded: an encoder that starts after the
     * trainer must still find the FULL update, and it follows the trainer for as long as the job runs.
     * After a restore it resumes from its checkpointed offset.
     */
    public static KafkaSource<ModelUpdate> modelUpdates(StreamrecJobConfig cfg) {
        return KafkaSources.<ModelUpdate>common(cfg, cfg.topics().modelUpdates(), OffsetsInitializer.earliest())
                .setDeserializer(new ModelUpdateDeserializationSchema())
                .build();
    }

    private static <T> KafkaSourceBuilder<T> base(StreamrecJobConfig cfg, String topic) {
        KafkaSourceBuilder<T> builder = common(cfg, topic, startingOffsets(cfg.startingOffsets()));
        if (cfg.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder;
    }

    private static <T> KafkaSourceBuilder<T> common(StreamrecJobConfig cfg, String topic, OffsetsInitializer start) {
        KafkaSourceBuilder<T> builder = KafkaSource.<T>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setTopics(topic)
                .setGroupId(cfg.consumerGroup())
                .setClientIdPrefix(cfg.consumerGroup() + "-" + topic)
                .setStartingOffsets(start)
                // transactional producers' aborted records must never reach user state or the encoders
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.kafkaProperties().forEach(builder::setProperty);
        return builder;
    }

    private static OffsetsInitializer startingOffsets(StreamrecJobConfig.StartingOffsets startingOffsets) {
        return switch (startingOffsets) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }
}
