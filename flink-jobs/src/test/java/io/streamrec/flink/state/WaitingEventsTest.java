package io.streamrec.flink.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.SourcedEvent;
import io.streamrec.schemas.UserEvent;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.CompositeKeySerializationUtils;
import org.apache.flink.runtime.state.SerializedCompositeKeyBuilder;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.junit.jupiter.api.Test;

class WaitingEventsTest {
    private static final int MAX_PARALLELISM = 128;
    private static final long T0 = 1_700_000_000_000L;

    private final WaitingEvents waiting = new WaitingEvents(MAX_PARALLELISM);

    private static SourcedEvent event(String user, String eventId, long time) {
        UserEvent event = UserEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(user)
                .setItemId("i")
                .setEventType("view")
                .setTimestamp(time)
                .build();
        return new SourcedEvent(event, ByteBuffer.allocate(0), "events", 0, 0L);
    }

    @Test
    void dueUsersComeInTheOrderOfTheirRocksDbKeys() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            // ids of different lengths, so that the length prefix of Flink's string form matters
            String user = "u-" + random.nextInt(i % 3 == 0 ? 100 : 1_000_000);
            waiting.add(event(user, "e" + i, T0 + random.nextInt(1_000)));
        }

        List<WaitingEvents.DueUser> due = waiting.takeUpTo(T0 + 1_000);

        SerializedCompositeKeyBuilder<String> keys = new SerializedCompositeKeyBuilder<>(
                StringSerializer.INSTANCE,
                CompositeKeySerializationUtils.computeRequiredBytesInKeyGroupPrefix(MAX_PARALLELISM),
                32);
        byte[] previous = null;
        for (WaitingEvents.DueUser user : due) {
            keys.setKeyAndKeyGroup(user.userId(), user.keyGroup());
            byte[] key = keys.buildCompositeKeyNamespace(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE);
            if (previous != null) {
                assertThat(Arrays.compareUnsigned(previous, key))
                        .as("RocksDB's bytewise order, at %s", user.userId())
                        .isNegative();
            }
            previous = key;
        }
        assertThat(due.stream().mapToInt(user -> user.events().size()).sum()).isEqualTo(2_000);
        assertThat(waiting.isEmpty()).isTrue();
    }

    @Test
    void eachUsersEventsKeepEventTimeThenArrivalOrder() {
        waiting.add(event("u1", "late-arrival", T0 + 5));
        waiting.add(event("u2", "other", T0 + 1));
        waiting.add(event("u1", "first", T0 + 1));
        waiting.add(event("u1", "same-time-second", T0 + 5));
        waiting.add(event("u1", "not-due", T0 + 9));

        List<WaitingEvents.DueUser> due = waiting.takeUpTo(T0 + 5);

        assertThat(due)
                .filteredOn(user -> user.userId().equals("u1"))
                .singleElement()
                .satisfies(user -> assertThat(user.events())
                        .extracting(e -> e.getEvent().getEventId())
                        .containsExactly("first", "late-arrival", "same-time-second"));
        assertThat(waiting.size()).isEqualTo(1);
        assertThat(waiting.earliestTime()).isEqualTo(T0 + 9);
    }

    @Test
    void theTimeCoveringTheEarliestEventsTakesWholeMilliseconds() {
        waiting.add(event("u1", "a", T0));
        waiting.add(event("u2", "b", T0 + 1));
        waiting.add(event("u3", "c", T0 + 1));
        waiting.add(event("u4", "d", T0 + 3));

        assertThat(waiting.timeCoveringEarliest(1)).isEqualTo(T0);
        assertThat(waiting.timeCoveringEarliest(2)).isEqualTo(T0 + 1);
        assertThat(waiting.timeCoveringEarliest(3)).isEqualTo(T0 + 1);
        assertThat(waiting.timeCoveringEarliest(4)).isEqualTo(T0 + 3);
        assertThat(waiting.timeCoveringEarliest(10)).as("all, when fewer wait").isEqualTo(T0 + 3);
    }
}
