package io.streamrec.flink.publish;

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

    private static final int MAX_BYTES = 1024;

    @Test
    void deadLettersAreJsonKeyedByTheOriginalKey() throws Exception {
        KeyedRecordSerializationSchema<DeadLetter> schema = new KeyedRecordSerializationSchema<>(
                "events-dlq", DeadLetter::getKey, KafkaSinks.deadLetterEncoding(WireFormat.JSON), MAX_BYTES, null);

        ProducerRecord<byte[], byte[]> keyed = schema.serialize(letter("u7"), null, 123L);
        ProducerRecord<byte[], byte[]> unkeyed = schema.serialize(letter(null), null, null);

        assertThat(keyed.topic()).isEqualTo("events-dlq");
        assertThat(keyed.key()).asString(StandardCharsets.UTF_8).isEqualTo("u7");
        JsonNode json = new ObjectMapper().readTree(keyed.value());
        assertThat(json.get("reason").asText()).isEqualTo("malformed-json");
        assertThat(json.get("offset").asLong()).isEqualTo(9L);
        assertThat(unkeyed.key()).isNull();
    }

    @Test
    void recordsCarryNoTimestampOfTheirOwnSoTheProducerStampsTheTimeOfSending() {
        KeyedRecordSerializationSchema<String> schema = vectors(dlq(WireFormat.JSON, MAX_BYTES));
        long eventTimeTwelveHoursAhead = System.currentTimeMillis() + 12 * 3_600_000L;

        ProducerRecord<byte[], byte[]> record = schema.serialize("u1:v", null, eventTimeTwelveHoursAhead);

        assertThat(record.topic()).isEqualTo("user-vectors");
        assertThat(record.timestamp()).isNull();
    }

    @Test
    void aRecordTooLargeToSendBecomesADeadLetterWithItsFirstBytesAndTheSizesInItsReason() throws Exception {
        KeyedRecordSerializationSchema<String> schema = vectors(dlq(WireFormat.JSON, 4 * MAX_BYTES));
        String large = "u1:" + "x".repeat(MAX_BYTES);

        ProducerRecord<byte[], byte[]> record = schema.serialize(large, null, 5L);

        assertThat(record.topic()).isEqualTo("events-dlq");
        assertThat(record.key()).asString(StandardCharsets.UTF_8).isEqualTo("u1");
        assertThat(record.timestamp()).isNull();
        JsonNode json = new ObjectMapper().readTree(record.value());
        assertThat(json.get("reason").asText()).isEqualTo("record-too-large");
        assertThat(json.get("reasons").get(0).asText())
                .startsWith("record-too-large: ")
                .contains("over the 1,024 the producer may send to 'user-vectors'")
                .containsPattern("payload cut to its first [0-9,]+ of 1,024 bytes");
        assertThat(json.get("payloadText").asText()).startsWith("xxxx");
        assertThat(KeyedRecordSerializationSchema.sizeOf(record)).isLessThanOrEqualTo(MAX_BYTES);
        assertThat(json.get("sourceTopic").asText()).isEqualTo("user-vectors");
        assertThat(json.get("offset").asLong()).isEqualTo(-1L);
        assertThat(schema.deadLettered().getCount()).isEqualTo(1);
        assertThat(schema.lost().getCount()).isZero();
        assertThat(schema.serialize("u1:small", null, 5L).topic()).isEqualTo("user-vectors");
    }

    @Test
    void aDeadLetterTooLargeForTheDeadLetterTopicEvenWithoutPayloadIsCountedAsLost() {
        KeyedRecordSerializationSchema<String> schema = vectors(dlq(WireFormat.AVRO, 100));

        assertThat(schema.serialize("u1:" + "x".repeat(MAX_BYTES), null, 5L)).isNull();

        assertThat(schema.lost().getCount()).isEqualTo(1);
        assertThat(schema.deadLettered().getCount()).isZero();
    }

    @Test
    void theDeadLetterSinkCountsARefusedLetterAsLost() {
        KeyedRecordSerializationSchema<DeadLetter> schema = new KeyedRecordSerializationSchema<>(
                "events-dlq", DeadLetter::getKey, KafkaSinks.deadLetterEncoding(WireFormat.AVRO), 64, null);

        assertThat(schema.serialize(letter("u7"), null, null)).isNull();

        assertThat(schema.lost().getCount()).isEqualTo(1);
    }

    @Test
    void aRecordTheBrokerRefusedBecomesADeadLetterCarryingTheBrokersReason() {
        KeyedRecordSerializationSchema<String> schema = vectors(dlq(WireFormat.AVRO, MAX_BYTES));
        ProducerRecord<byte[], byte[]> refused = schema.serialize("u1:v", null, null);

        ProducerRecord<byte[], byte[]> letter = schema.deadLetterFor(
                refused,
                io.streamrec.schemas.validate.ViolationCode.BROKER_REFUSED,
                "InvalidTimestampException: Timestamp 1 of message is out of range");

        DeadLetter decoded = AvroBinaryCodec.of(DeadLetter.class).decode(letter.value());
        assertThat(decoded.getReason()).isEqualTo("broker-refused");
        assertThat(decoded.getReasons())
                .containsExactly("broker-refused: InvalidTimestampException: Timestamp 1 of message is out of range");
        assertThat(decoded.getPayload()).isEqualTo(java.nio.ByteBuffer.wrap("v".getBytes(StandardCharsets.UTF_8)));
        assertThat(decoded.getKey()).isEqualTo("u1");
    }

    /** A sink of "user:value" strings to user-vectors, refusing records over {@link #MAX_BYTES}. */
    private static KeyedRecordSerializationSchema<String> vectors(KeyedRecordSerializationSchema.DeadLetterRoute dlq) {
        return new KeyedRecordSerializationSchema<>(
                "user-vectors",
                s -> s.substring(0, s.indexOf(':')),
                s -> s.substring(s.indexOf(':') + 1).getBytes(StandardCharsets.UTF_8),
                MAX_BYTES,
                dlq);
    }

    private static KeyedRecordSerializationSchema.DeadLetterRoute dlq(WireFormat format, int maxBytes) {
        return new KeyedRecordSerializationSchema.DeadLetterRoute(
                "events-dlq", KafkaSinks.deadLetterEncoding(format), maxBytes);
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
