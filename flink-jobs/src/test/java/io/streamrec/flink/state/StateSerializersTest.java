package io.streamrec.flink.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.model.history.UserHistory;
import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StateSerializersTest {

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        return serializer.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer()));
    }

    private static UserEvent.Builder event() {
        return UserEvent.newBuilder()
                .setEventId("e1")
                .setUserId("u1")
                .setItemId("i1")
                .setEventType("buy")
                .setTimestamp(42L);
    }

    @Test
    void aWaitingEventKeepsEveryFieldAndItsBytes() throws IOException {
        SourcedEvent full = new SourcedEvent(
                event().setSessionId("s")
                        .setLeafCategoryId("l")
                        .setCategoryId("c")
                        .setShopId("sh")
                        .setBrandId("b")
                        .setWeight(2.5)
                        .build(),
                ByteBuffer.wrap("{\"raw\":true}".getBytes(StandardCharsets.UTF_8)),
                "events",
                7,
                123L);
        SourcedEvent sparse = new SourcedEvent(event().build(), ByteBuffer.allocateDirect(3), "events", 0, 0L);

        assertThat(roundTrip(WaitingEventSerializer.INSTANCE, full)).isEqualTo(full);
        assertThat(roundTrip(WaitingEventSerializer.INSTANCE, sparse)).isEqualTo(sparse);
        assertThat(WaitingEventSerializer.INSTANCE.copy(full)).isEqualTo(full).isNotSameAs(full);
    }

    @Test
    void aWaitingKeyGroupKeepsItsEventsTheirArrivalsAndTheirOrder() throws IOException {
        SourcedEvent first = new SourcedEvent(event().build(), ByteBuffer.wrap(new byte[] {1, 2}), "events", 1, 10L);
        SourcedEvent second = new SourcedEvent(
                event().setEventId("e2").setWeight(0.5).build(), ByteBuffer.wrap(new byte[] {3}), "events", 1, 11L);
        WaitingKeyGroup group = new WaitingKeyGroup(
                93, List.of(new WaitingEvents.Waiting(7L, 93, first), new WaitingEvents.Waiting(4L, 93, second)));

        assertThat(roundTrip(WaitingKeyGroupSerializer.INSTANCE, group)).isEqualTo(group);
        assertThat(roundTrip(WaitingKeyGroupSerializer.INSTANCE, new WaitingKeyGroup(0, List.of()))
                        .events())
                .isEmpty();
        assertThat(WaitingKeyGroupSerializer.INSTANCE.snapshotConfiguration().restoreSerializer())
                .isEqualTo(WaitingKeyGroupSerializer.INSTANCE);
        assertThatThrownBy(
                        () -> WaitingKeyGroupSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {9})))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 9");
    }

    @Test
    void aHistoryKeepsItsSnapshot() throws IOException {
        HistoryPolicy policy = HistoryPolicy.defaults();
        UserHistory history = new UserHistory();
        history.updateProfile(new UserProfile("u1", Map.of("age", "30"), 1L));
        history.apply(event().build(), policy);
        history.apply(
                event().setEventId("e2")
                        .setItemId("i2")
                        .setTimestamp(3_600_000L)
                        .build(),
                policy);

        assertThat(roundTrip(UserHistorySerializer.INSTANCE, history).snapshot("u1"))
                .isEqualTo(history.snapshot("u1"));
    }

    @Test
    void theSerializersRestoreAsCompatible() {
        assertThat(UserHistorySerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(UserHistorySerializer.INSTANCE.snapshotConfiguration()))
                .matches(TypeSerializerSchemaCompatibility::isCompatibleAsIs);
        assertThat(WaitingEventSerializer.INSTANCE.snapshotConfiguration().restoreSerializer())
                .isEqualTo(WaitingEventSerializer.INSTANCE);
    }

    @Test
    void aWaitingEventKeepsNonAsciiStrings() throws IOException {
        SourcedEvent event = new SourcedEvent(
                event().setUserId("ü-ß-用户-\uD83D\uDE00").setBrandId("é").build(),
                ByteBuffer.wrap(new byte[] {1}),
                "événements",
                1,
                2L);

        assertThat(roundTrip(WaitingEventSerializer.INSTANCE, event)).isEqualTo(event);
    }

    /**
     * The layout is pinned: a change without a new format version fails here. A new version needs a new expected
     * string (and, once a build has shipped, a reader of the old one).
     */
    @Test
    void aWaitingEventIsWrittenInFormat1Exactly() throws IOException {
        SourcedEvent event = new SourcedEvent(
                event().setBrandId("b").setWeight(2.0).build(), ByteBuffer.wrap(new byte[] {7}), "t", 1, 2L);
        DataOutputSerializer out = new DataOutputSerializer(64);
        WaitingEventSerializer.INSTANCE.serialize(event, out);

        assertThat(HexFormat.of().formatHex(out.getCopyOfBuffer()))
                .isEqualTo(
                        "01" // format version
                                + "000000026531" + "000000027531" + "000000026931" // eventId, userId, itemId
                                + "00000003627579" + "000000000000002a" // eventType, timestamp
                                + "ffffffff".repeat(4)
                                + "0000000162" // no session, leaf category, category, shop; brand
                                + "01" + "4000000000000000" // a weight, 2.0
                                + "0000000107" + "0000000174" // payload, source topic
                                + "00000001" + "0000000000000002"); // partition, offset
    }

    @Test
    void anUnknownWaitingEventVersionIsRefusedWithAHint() {
        assertThatThrownBy(() -> WaitingEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {9})))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 9");
    }
}
