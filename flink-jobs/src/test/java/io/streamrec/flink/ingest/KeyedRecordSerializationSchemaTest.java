package io.streamrec.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.ingest.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KeyedRecordSerializationSchemaTest {

    @Test
    void deadLettersAreJsonKeyedByTheOriginalKey() throws Exception {
        KeyedRecordSerializationSchema<DeadLetter> schema = new KeyedRecordSerializationSchema<>(
                "events-dlq", DeadLetter::getKey, KafkaSinks.deadLetterEncoding(WireFormat.JSON));

        ProducerRecord<byte[], byte[]> keyed = schema.serialize(letter("u7"), null, 123L);
        ProducerRecord<byte[], byte[]> unkeyed = schema.serialize(letter(null), null, null);

        assertThat(keyed.topic()).isEqualTo("events-dlq");
        assertThat(keyed.key()).asString(StandardCharsets.UTF_8).isEqualTo("u7");
        assertThat(keyed.timestamp()).isEqualTo(123L);
        JsonNode json = new ObjectMapper().readTree(keyed.value());
        assertThat(json.get("reason").asText()).isEqualTo("malformed-json");
        assertThat(json.get("offset").asLong()).isEqualTo(9L);
        assertThat(unkeyed.key()).isNull();
    }

    @Test
    void deadLettersCanBeWrittenAsAvroBinary() {
        DeadLetter letter = letter("u7");

        byte[] avro = KafkaSinks.deadLetterEncoding(WireFormat.AVRO).apply(letter);

        assertThat(AvroBinaryCodec.of(DeadLetter.class).decode(avro)).isEqualTo(letter);
    }

    private static DeadLetter letter(String key) {
        return DeadLetter.newBuilder()
                .setReason("malformed-json")
                .setReasons(List.of("malformed-json: at 1"))
                .setKey(key)
                .setPayload(ByteBuffer.wrap("{".getBytes(StandardCharsets.UTF_8)))
                .setSourceTopic("events")
                .setPartition(1)
                .setOffset(9L)
                .setDeadLetteredAt(5L)
                .build();
    }
}
