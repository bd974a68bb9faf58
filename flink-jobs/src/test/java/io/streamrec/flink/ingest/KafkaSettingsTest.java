package io.streamrec.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.job.StreamrecJobConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/** The Kafka part of the job's configuration, as the sources and sinks receive it. */
class KafkaSettingsTest {

    @Test
    void aSinksOwnSettingsWinOverTheJobsClientPropertiesWhichWinOverNothing() {
        KafkaSettings kafka = StreamrecJobConfig.builder()
                .bootstrapServers("kafka-1:9092")
                .kafkaProperty("security.protocol", "SSL")
                .kafkaProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000")
                .build()
                .kafka();

        Properties plain = kafka.producerConfig(Map.of());
        Properties modelUpdates = kafka.producerConfig(KafkaSinks.modelUpdatesProducer(983_040));

        assertThat(plain)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000");
        assertThat(modelUpdates)
                .containsEntry("security.protocol", "SSL")
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "983040");
        assertThat(KafkaSinks.maxRequestSize(modelUpdates)).isEqualTo(983_040);
    }

    @Test
    void carriesTheJobsGroupOffsetsGuaranteeAndTransactionalIdPrefix() {
        StreamrecJobConfig cfg = StreamrecJobConfig.builder()
                .consumerGroup("recs-eu")
                .startingOffsets(StreamrecJobConfig.StartingOffsets.LATEST)
                .build();

        KafkaSettings kafka = cfg.kafka();

        assertThat(kafka.consumerGroup()).isEqualTo("recs-eu");
        assertThat(kafka.transactionalIdPrefix())
                .as("without an explicit prefix, the consumer group")
                .isEqualTo("recs-eu");
        assertThat(kafka.deliveryGuarantee()).isEqualTo(cfg.deliveryGuarantee());
        assertThat(kafka.transactionTimeout()).isEqualTo(cfg.transactionTimeout());
        assertThat(kafka.startingOffsets().getAutoOffsetResetStrategy())
                .isEqualTo(OffsetsInitializer.latest().getAutoOffsetResetStrategy());
        assertThat(StreamrecJobConfig.builder()
                        .transactionalIdPrefix("job-7")
                        .build()
                        .kafka()
                        .transactionalIdPrefix())
                .isEqualTo("job-7");
        assertThat(cfg.deadLetterTopic())
                .isEqualTo(new DeadLetterTopic(cfg.topics().eventsDlq(), cfg.deadLetterFormat()));
    }
}
