package io.streamrec.flink.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DecodingDeserializationSchemaTest {

    private static final String GOOD =
            "{\"eventId\":\"e1\",\"userId\":\"u1\",\"itemId\":\"i9\",\"eventType\":\"CLICK\","
                    + "\"timestamp\":1700000000000,\"categoryId\":\"c3\"}";

    private final DecodingDeserializationSchema<UserEvent, SourcedEvent> schema =
            DecodingDeserializationSchema.events(WireFormat.JSON, ValidationLimits.defaults());
    private final List<Either<DeadLetter, SourcedEvent>> out = new ArrayList<>();
    private final Collector<Either<DeadLetter, SourcedEvent>> collector = new ListCollector<>(out);

    @BeforeEach
    void open() {
        schema.open(null);
    }

    @Test
    void validEventKeepsItsBytesAndWhereItWasRead() {
        schema.deserialize(record("u1", GOOD.getBytes(StandardCharsets.UTF_8), 3, 42L), collector);

        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.isRight()).isTrue();
            SourcedEvent sourced = r.right();
            assertThat(sourced.getEvent().getEventType()).isEqualTo("click");
            assertThat(sourced.getEvent().getTimestamp()).isEqualTo(1700000000000L);
            assertThat(bytes(sourced.getPayload()))
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo(GOOD);
            assertThat(sourced.getSourceTopic()).isEqualTo("events");
            assertThat(sourced.getPartition()).isEqualTo(3);
            assertThat(sourced.getOffset()).isEqualTo(42L);
        });
    }

    @Test
    void anyBadRecordBecomesADeadLetterWithItsReasonAndOriginalBytes() {
        byte[] garbage = {(byte) 0xff, 0x00, '{'};
        schema.deserialize(record("u1", garbage, 1, 7L), collector);
        schema.deserialize(record("u1", null, 1, 8L), collector);
        schema.deserialize(record("someone-else", GOOD.getBytes(StandardCharsets.UTF_8), 0, 9L), collector);

        assertThat(out).allMatch(Either::isLeft);
        assertThat(out).extracting(r -> r.left().getOffset()).containsExactly(7L, 8L, 9L);
        assertThat(bytes(out.get(0).left().getPayload())).containsExactly(garbage);
        assertThat(out.get(1).left().getReason()).isEqualTo("empty-payload");
        assertThat(out.get(2).left().getReason()).startsWith("key-mismatch");
        assertThat(out.get(2).left().getKey()).isEqualTo("someone-else");
    }

    @Test
    void validProfileIsPassedOnAndABadOneDeadLettered() {
        DecodingDeserializationSchema<UserProfile, UserProfile> profiles =
                DecodingDeserializationSchema.profiles(WireFormat.JSON, ValidationLimits.defaults());
        profiles.open(null);
        List<Either<DeadLetter, UserProfile>> got = new ArrayList<>();
        byte[] good = "{\"userId\":\"u1\",\"features\":{\"age\":\"25-34\"},\"updatedAt\":1700000000000}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"userId\":\"u1\"}".getBytes(StandardCharsets.UTF_8);

        profiles.deserialize(
                new ConsumerRecord<>("user-profiles", 0, 1L, "u1".getBytes(StandardCharsets.UTF_8), good),
                new ListCollector<>(got));
        profiles.deserialize(
                new ConsumerRecord<>("user-profiles", 0, 2L, "u1".getBytes(StandardCharsets.UTF_8), bad),
                new ListCollector<>(got));

        assertThat(got.get(0).right().getFeatures()).containsEntry("age", "25-34");
        assertThat(got.get(1).left().getReason()).startsWith("missing-field");
        assertThat(got.get(1).left().getSourceTopic()).isEqualTo("user-profiles");
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value, int partition, long offset) {
        return new ConsumerRecord<>("events", partition, offset, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
