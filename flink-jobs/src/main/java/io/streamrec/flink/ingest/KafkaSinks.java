package io.streamrec.flink.ingest;

import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.codec.JsonCodecs;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The job's Kafka sinks, configured from {@link StreamrecJobConfig}. */
public final class KafkaSinks {

    private KafkaSinks() {}

    /** {@code events-dlq}: every refused record as JSON (payload in base64, and as text when UTF-8), keyed as read. */
    public static KafkaSink<DeadLetter> deadLetters(StreamrecJobConfig cfg) {
        return json(cfg, cfg.topics().eventsDlq(), "dlq", DeadLetter::getKey,
                letter -> JsonCodecs.DEAD_LETTER.encode(letter));
    }

    /** {@code user-features} (debug): every FeatureSnapshot as JSON, keyed by userId. */
    public static KafkaSink<FeatureSnapshot> userFeatures(StreamrecJobConfig cfg) {
        return json(cfg, cfg.topics().userFeatures(), "user-features", FeatureSnapshot::getUserId,
                snapshot -> JsonCodecs.FEATURE_SNAPSHOT.encode(snapshot));
    }

    /**
     * A sink writing JSON to {@code topic} with the configured guarantee; {@code name} keeps the transactional
     * ids of the job's exactly-once sinks apart.
     */
    public static <T> KafkaSink<T> json(StreamrecJobConfig cfg, String topic, String name,
                                        SerializableFunction<T, String> key, SerializableFunction<T, byte[]> json) {
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setDeliveryGuarantee(cfg.deliveryGuarantee())
                .setRecordSerializer(new JsonRecordSerializationSchema<>(topic, key, json));
        cfg.kafkaProperties().forEach(builder::setProperty);
        if (cfg.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(cfg.effectiveTransactionalIdPrefix() + "-" + name)
                    .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            Long.toString(cfg.transactionTimeout().toMillis()));
        }
        return builder.build();
    }
}
