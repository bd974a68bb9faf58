package io.streamrec.flink.publish;

import io.streamrec.flink.ingest.DeadLetterTopic;
import io.streamrec.flink.ingest.KafkaSettings;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UserVector;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.ingest.WireFormat;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The job's Kafka sinks, configured from {@link KafkaSettings}; each sends what Kafka would refuse to a {@link DeadLetterTopic}. */
public final class KafkaSinks {

    private KafkaSinks() {}

    private static final AvroBinaryCodec<DeadLetter> DEAD_LETTER_AVRO = AvroBinaryCodec.of(DeadLetter.class);
    private static final AvroBinaryCodec<ModelUpdate> MODEL_UPDATE_AVRO = AvroBinaryCodec.of(ModelUpdate.class);
    private static final AvroBinaryCodec<UserVector> USER_VECTOR_AVRO = AvroBinaryCodec.of(UserVector.class);

    /**
     * {@code events-dlq}: every refused record keyed as read, as JSON (payload in base64, and as text when
     * UTF-8) or Avro binary, per {@link DeadLetterTopic#format()}.
     */
    public static Sink<DeadLetter> deadLetters(KafkaSettings kafka, DeadLetterTopic dlq) {
        return sink(kafka, dlq.topic(), "dlq", DeadLetter::getKey, deadLetterEncoding(dlq.format()), dlq);
    }

    static SerializableFunction<DeadLetter, byte[]> deadLetterEncoding(WireFormat format) {
        return switch (format) {
            case JSON -> letter -> JsonCodecs.DEAD_LETTER.encode(letter);
            case AVRO -> letter -> DEAD_LETTER_AVRO.encode(letter);
        };
    }

    /** {@code user-features} (debug): every FeatureSnapshot as JSON, keyed by userId. */
    public static Sink<FeatureSnapshot> userFeatures(KafkaSettings kafka, String topic, DeadLetterTopic dlq) {
        return sink(
                kafka,
                topic,
                "user-features",
                FeatureSnapshot::getUserId,
                snapshot -> JsonCodecs.FEATURE_SNAPSHOT.encode(snapshot),
                dlq);
    }

    /**
     * {@code model-updates}: the trainer's chunks as Avro binary, keyed by model name. The producer's
     * {@code max.request.size} is raised to {@code maxMessageBytes}, the limit the topic is created with, so the
     * largest chunk fits both. Must run at parallelism 1 (version order).
     */
    public static Sink<ModelUpdate> modelUpdates(
            KafkaSettings kafka, String topic, int maxMessageBytes, DeadLetterTopic dlq) {
        return sink(
                kafka,
                topic,
                "model-updates",
                ModelUpdate::getModelName,
                update -> MODEL_UPDATE_AVRO.encode(update),
                dlq,
                modelUpdatesProducer(maxMessageBytes));
    }

    /** {@code user-vectors} (compacted): each user's newest vector as Avro binary, keyed by userId. */
    public static Sink<UserVector> userVectors(KafkaSettings kafka, String topic, DeadLetterTopic dlq) {
        return sink(
                kafka, topic, "user-vectors", UserVector::getUserId, vector -> USER_VECTOR_AVRO.encode(vector), dlq);
    }

    /**
     * How long sends may go unacknowledged before an at-least-once sink checks that its topics still exist and may
     * be written ({@link DeadLetteringKafkaSink}); a missing topic then fails the job within about this long.
     */
    static final Duration STALL_CHECK = Duration.ofSeconds(5);

    /**
     * A sink writing each record's {@code value} encoding to {@code topic}, keyed by {@code key}, with the
     * configured guarantee; {@code name} keeps the transactional ids of the job's exactly-once sinks apart. A record
     * that cannot be written goes to the dead-letter topic (see {@link KeyedRecordSerializationSchema}).
     */
    public static <T> Sink<T> sink(
            KafkaSettings kafka,
            String topic,
            String name,
            SerializableFunction<T, String> key,
            SerializableFunction<T, byte[]> value,
            DeadLetterTopic dlq) {
        return sink(kafka, topic, name, key, value, dlq, Map.of());
    }

    private static <T> Sink<T> sink(
            KafkaSettings kafka,
            String topic,
            String name,
            SerializableFunction<T, String> key,
            SerializableFunction<T, byte[]> value,
            DeadLetterTopic dlq,
            Map<String, String> producerProperties) {
        Properties producer = kafka.producerConfig(producerProperties);
        boolean isDeadLetterSink = topic.equals(dlq.topic());
        KeyedRecordSerializationSchema.DeadLetterRoute deadLetters = isDeadLetterSink
                ? null
                : new KeyedRecordSerializationSchema.DeadLetterRoute(
                        dlq.topic(), deadLetterEncoding(dlq.format()), maxRequestSize(kafka.producerConfig(Map.of())));
        KeyedRecordSerializationSchema<T> records =
                new KeyedRecordSerializationSchema<>(topic, key, value, maxRequestSize(producer), deadLetters);
        if (kafka.deliveryGuarantee() != DeliveryGuarantee.EXACTLY_ONCE) {
            return new DeadLetteringKafkaSink<>(producer, records, kafka.deliveryGuarantee(), STALL_CHECK);
        }
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setRecordSerializer(records)
                .setKafkaProducerConfig(producer)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
                .setProperty(
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        Long.toString(kafka.transactionTimeout().toMillis()));
        return builder.build();
    }

    /** The settings the model-updates producer adds: room for the trainer's largest chunk. */
    public static Map<String, String> modelUpdatesProducer(int maxMessageBytes) {
        return Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxMessageBytes));
    }

    /** The {@code max.request.size} of a producer configured with {@code props}: Kafka's default unless set. */
    public static int maxRequestSize(Properties props) {
        Object configured = props.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return configured == null
                ? DEFAULT_MAX_REQUEST_SIZE
                : Integer.parseInt(configured.toString().trim());
    }

    /** Kafka's producer default for {@code max.request.size}. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
}
