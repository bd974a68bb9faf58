package io.streamrec.flink.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.flink.ingest.ModelUpdatesTail;
import io.streamrec.flink.job.TopicSpec;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.UpdateKind;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The newest version on a real {@code model-updates} topic, as a trainer without a checkpoint reads it. */
class ModelUpdatesTailIT {

    private static final AvroBinaryCodec<ModelUpdate> UPDATES = AvroBinaryCodec.of(ModelUpdate.class);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static ModelUpdate update(long version) {
        return ModelUpdate.newBuilder()
                .setModelName("meanpool")
                .setVersion(version)
                .setKind(UpdateKind.FULL)
                .setCreatedAt(0L)
                .setChunkIndex(0)
                .setChunkCount(1)
                .setDense(List.of())
                .setEmbeddingRows(List.of())
                .setItemRows(List.of())
                .setTombstones(List.of())
                .build();
    }

    private ModelUpdatesTail tail(String topic) {
        return new ModelUpdatesTail(KAFKA.bootstrapServers(), topic, Map.of());
    }

    @Test
    void anEmptyTopicHoldsNoVersion() {
        KAFKA.createTopics(TopicSpec.of("tail-empty", 1));
        assertThat(tail("tail-empty").latest()).isZero();
    }

    @Test
    void findsTheNewestVersionBehindManyChunksAndCommitMarkers() {
        KAFKA.createTopics(TopicSpec.of("tail-updates", 1));
        try (KafkaProducer<byte[], byte[]> plain = producer(Map.of())) {
            for (long version = 1; version <= 40; version++) {
                plain.send(new ProducerRecord<>("tail-updates", UPDATES.encode(update(version))));
            }
        }
        assertThat(tail("tail-updates").latest()).isEqualTo(40);

        // like the exactly-once sink: one transaction per version, each followed by a commit marker, and more
        // than the first window's worth of them after the newest data record would be no problem either
        try (KafkaProducer<byte[], byte[]> transactional =
                producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tail-test"))) {
            transactional.initTransactions();
            for (long version = 41; version <= 60; version++) {
                transactional.beginTransaction();
                transactional.send(new ProducerRecord<>("tail-updates", UPDATES.encode(update(version))));
                transactional.commitTransaction();
            }
        }
        assertThat(tail("tail-updates").latest()).isEqualTo(60);
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
