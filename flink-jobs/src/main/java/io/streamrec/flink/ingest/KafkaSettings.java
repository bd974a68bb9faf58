package io.streamrec.flink.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What the job's Kafka sources and sinks know of Kafka: where it is, the client properties the user added (security,
 * tuning), and how the job reads and writes it. Topic names and record formats are given to each source and sink.
 *
 * @param bootstrapServers the brokers, {@code host:port,...}
 * @param clientProperties Kafka client properties for every consumer and producer of the job (e.g.
 *     {@code security.protocol}); a sink's own settings win over them
 * @param consumerGroup the sources' group id, and their client ids' prefix
 * @param startingOffsets where the events and profiles sources begin without a checkpoint
 * @param bounded the events and profiles sources stop at the latest offsets they found at start
 * @param deliveryGuarantee the sinks' guarantee
 * @param transactionalIdPrefix the prefix of the exactly-once sinks' transactional ids, unique per job on a cluster
 * @param transactionTimeout {@code transaction.timeout.ms} of the exactly-once sinks
 */
public record KafkaSettings(
        String bootstrapServers,
        Map<String, String> clientProperties,
        String consumerGroup,
        OffsetsInitializer startingOffsets,
        boolean bounded,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration transactionTimeout) {

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        clientProperties = Map.copyOf(clientProperties);
        Objects.requireNonNull(consumerGroup, "consumerGroup");
        Objects.requireNonNull(startingOffsets, "startingOffsets");
        Objects.requireNonNull(deliveryGuarantee, "deliveryGuarantee");
        Objects.requireNonNull(transactionalIdPrefix, "transactionalIdPrefix");
        Objects.requireNonNull(transactionTimeout, "transactionTimeout");
    }

    /** A producer's configuration: the brokers, the job's client properties, then {@code sinkProperties}. */
    public Properties producerConfig(Map<String, String> sinkProperties) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(clientProperties);
        props.putAll(sinkProperties);
        return props;
    }
}
