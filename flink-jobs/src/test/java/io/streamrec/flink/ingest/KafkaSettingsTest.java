package io.streamrec.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.job.JobOptions;
import io.streamrec.flink.job.StartingOffsets;
import io.streamrec.flink.job.StreamrecJobConfig;
import io.streamrec.flink.publish.KafkaSinks;
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
                .set(JobOptions.BOOTSTRAP_SERVERS, "kafka-1:9092")
                .set(
                        JobOptions.KAFKA_PROPERTIES,
                        Map.of("security.protocol", "SSL", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000"))
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
                .set(JobOptions.CONSUMER_GROUP, "recs-eu")
                .set(JobOptions.STARTING_OFFSETS, StartingOffsets.LATEST)
                .build();

        KafkaSettings kafka = cfg.kafka();

        assertThat(kafka.consumerGroup()).isEqualTo("recs-eu");
        assertThat(kafka.transactionalIdPrefix())
                .as("without an explicit prefix, the consumer group")
                .isEqualTo("recs-eu");
        assertThat(kafka.deliveryGuarantee()).isEqualTo(cfg.get(JobOptions.DELIVERY_GUARANTEE));
        assertThat(kafka.transactionTimeout()).isEqualTo(cfg.get(JobOptions.TRANSACTION_TIMEOUT));
        assertThat(kafka.startingOffsets().getAutoOffsetResetStrategy())
                .isEqualTo(OffsetsInitializer.latest().getAutoOffsetResetStrategy());
        assertThat(StreamrecJobConfig.builder()
                        .set(JobOptions.TRANSACTIONAL_ID_PREFIX, "job-7")
                        .build()
                        .kafka()
                        .transactionalIdPrefix())
                .isEqualTo("job-7");
        assertThat(cfg.deadLetterTopic())
                .isEqualTo(new DeadLetterTopic(cfg.topics().eventsDlq(), cfg.get(JobOptions.DEAD_LETTER_FORMAT)));
    }
}
