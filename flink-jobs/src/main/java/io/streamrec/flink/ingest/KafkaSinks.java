package io.streamrec.flink.ingest;

import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.ingest.WireFormat;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The job's Kafka sinks, configured from {@link StreamrecJobConfig}. */
public final class KafkaSinks {

    private KafkaSinks() {}

    private static final AvroBinaryCodec<DeadLetter> DEAD_LETTER_AVRO = AvroBinaryCodec.of(DeadLetter.class);
    private static final AvroBinaryCodec<ModelUpdate> MODEL_UPDATE_AVRO = AvroBinaryCodec.of(ModelUpdate.class);
    private static final AvroBinaryCodec<UserVector> USER_VECTOR_AVRO = AvroBinaryCodec.of(UserVector.class);

    /**
     * {@code events-dlq}: every refused record keyed as read, as JSON (payload in base64, and as text when
     * UTF-8) or Avro binary, per {@link StreamrecJobConfig#deadLetterFormat()}.
     */
    public static KafkaSink<DeadLetter> deadLetters(StreamrecJobConfig cfg) {
        return sink(
                cfg, cfg.topics().eventsDlq(), "dlq", DeadLetter::getKey, deadLetterEncoding(cfg.deadLetterFormat()));
    }

    static SerializableFunction<DeadLetter, byte[]> deadLetterEncoding(WireFormat format) {
        return switch (format) {
            case JSON -> letter -> JsonCodecs.DEAD_LETTER.encode(letter);
            case AVRO -> letter -> DEAD_LETTER_AVRO.encode(letter);
        };
    }

    /** {@code user-features} (debug): every FeatureSnapshot as JSON, keyed by userId. */
    public static KafkaSink<FeatureSnapshot> userFeatures(StreamrecJobConfig cfg) {
        return sink(
                cfg,
                cfg.topics().userFeatures(),
                "user-features",
                FeatureSnapshot::getUserId,
                snapshot -> JsonCodecs.FEATURE_SNAPSHOT.encode(snapshot));
    }

    /**
     * {@code model-updates}: the trainer's chunks as Avro binary, keyed by model name. The producer's
     * {@code max.request.size} is raised to {@link StreamrecJobConfig#modelUpdatesMaxMessageBytes()}, the
     * limit the topic is created with, so the largest chunk fits both. Must run at parallelism 1 (version order).
     */
    public static KafkaSink<ModelUpdate> modelUpdates(StreamrecJobConfig cfg) {
        return sink(
                cfg,
                cfg.topics().modelUpdates(),
                "model-updates",
                ModelUpdate::getModelName,
                update -> MODEL_UPDATE_AVRO.encode(update),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(cfg.modelUpdatesMaxMessageBytes())));
    }

    /** {@code user-vectors} (compacted): each user's newest vector as Avro binary, keyed by userId. */
    public static KafkaSink<UserVector> userVectors(StreamrecJobConfig cfg) {
        return sink(
                cfg,
                cfg.topics().userVectors(),
                "user-vectors",
                UserVector::getUserId,
                vector -> USER_VECTOR_AVRO.encode(vector));
    }

    /**
     * A sink writing each record's {@code value} encoding to {@code topic}, keyed by {@code key}, with the
     * configured guarantee; {@code name} keeps the transactional ids of the job's exactly-once sinks apart.
     */
    public static <T> KafkaSink<T> sink(
            StreamrecJobConfig cfg,
            String topic,
            String name,
            SerializableFunction<T, String> key,
            SerializableFunction<T, byte[]> value) {
        return sink(cfg, topic, name, key, value, Map.of());
    }

    private static <T> KafkaSink<T> sink(
            StreamrecJobConfig cfg,
            String topic,
            String name,
            SerializableFunction<T, String> key,
            SerializableFunction<T, byte[]> value,
            Map<String, String> producerProperties) {
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setDeliveryGuarantee(cfg.deliveryGuarantee())
                .setRecordSerializer(new KeyedRecordSerializationSchema<>(topic, key, value));
        cfg.kafkaProperties().forEach(builder::setProperty);
        producerProperties.forEach(builder::setProperty);
        if (cfg.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(cfg.effectiveTransactionalIdPrefix() + "-" + name)
                    .setProperty(
                            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            Long.toString(cfg.transactionTimeout().toMillis()));
        }
        return builder.build();
    }
}
