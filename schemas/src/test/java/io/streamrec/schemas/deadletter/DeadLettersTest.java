package io.streamrec.schemas.deadletter;

import static io.streamrec.schemas.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.DeadLetter;
import io.streamrec.schemas.Samples;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.ingest.DecodeResult;
import io.streamrec.schemas.ingest.EventDecoder;
import io.streamrec.schemas.ingest.WireFormat;
import io.streamrec.schemas.validate.ValidationLimits;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    private final DeadLetters deadLetters = new DeadLetters(Samples.CLOCK);

    @Test
    void keepsEveryReasonAndTheOriginalBytes() {
        byte[] payload = utf8("{\"userId\":\"u1\",\"color\":\"red\"}");
        DecodeResult<UserEvent> refused = new EventDecoder(WireFormat.JSON, ValidationLimits.defaults(), Samples.CLOCK)
                .decode(utf8("u1"), payload);

        DeadLetter letter = deadLetters.refused(refused.violations(), utf8("u1"), payload, "events", 2, 1234);

        assertThat(letter.getReason()).isEqualTo("unknown-field:color");
        assertThat(letter.getReasons())
                .containsExactly(
                        "unknown-field:color",
                        "missing-field:eventId",
                        "missing-field:itemId",
                        "missing-field:eventType",
                        "missing-field:timestamp");
        assertThat(letter.getKey()).isEqualTo("u1");
        assertThat(letter.getPayload()).isEqualTo(ByteBuffer.wrap(payload));
        assertThat(letter.getSourceTopic()).isEqualTo("events");
        assertThat(letter.getPartition()).isEqualTo(2);
        assertThat(letter.getOffset()).isEqualTo(1234);
        assertThat(letter.getDeadLetteredAt()).isEqualTo(Samples.NOW);
    }

    @Test
    void keepsAStableReasonWithoutTheDetail() {
        DecodeResult<UserEvent> refused =
                new EventDecoder(WireFormat.JSON, ValidationLimits.defaults(), Samples.CLOCK).decode(null, new byte[0]);

        DeadLetter letter = deadLetters.refused(refused.violations(), null, null, "events", 0, 0);

        assertThat(letter.getReason()).isEqualTo("empty-payload");
        assertThat(letter.getReasons()).containsExactly("empty-payload: 0 bytes");
        assertThat(letter.getKey()).isNull();
        assertThat(letter.getPayload().remaining()).isZero();
    }

    @Test
    void namesLateAndDuplicateEventsInTheSameVocabulary() {
        UserEvent event = Samples.event();
        String json = "{\"eventId\":\"e1\"}";

        DeadLetter late = deadLetters.late(Samples.sourced(event, json), event.getTimestamp() + 5_000);
        DeadLetter duplicate = deadLetters.duplicate(Samples.sourced(event, json));

        assertThat(late.getReason()).isEqualTo(DeadLetters.LATE).isEqualTo("late");
        assertThat(late.getReasons())
                .containsExactly("late: event time 1700000000000 is 5000 ms behind the watermark 1700000005000");
        assertThat(duplicate.getReason()).isEqualTo(DeadLetters.DUPLICATE).isEqualTo("duplicate");
        assertThat(duplicate.getReasons()).isEqualTo(List.of("duplicate: eventId \"e1\" was already applied"));
        assertThat(late.getPayload()).isEqualTo(ByteBuffer.wrap(utf8(json)));
        assertThat(late.getKey()).isEqualTo("u1");
        assertThat(late.getPartition()).isEqualTo(1);
        assertThat(late.getOffset()).isEqualTo(99);
    }
}
