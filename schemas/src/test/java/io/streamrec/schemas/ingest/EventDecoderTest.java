package io.streamrec.schemas.ingest;

import static io.streamrec.schemas.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.schemas.Samples;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.validate.ValidationLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EventDecoderTest {

    private final EventDecoder json = new EventDecoder(WireFormat.JSON, ValidationLimits.defaults(), Samples.CLOCK);
    private final EventDecoder avro = new EventDecoder(WireFormat.AVRO, ValidationLimits.defaults(), Samples.CLOCK);

    @Test
    void decodesTheNaturalJsonShape() {
        byte[] value = utf8("{\"eventId\":\"e1\",\"userId\":\"u1\",\"itemId\":\"i9\",\"eventType\":\"click\","
                + "\"timestamp\":1700000000000,\"categoryId\":\"c3\",\"weight\":1.0}");

        UserEvent event = json.decode(utf8("u1"), value).value();

        assertThat(event).isEqualTo(Samples.event());
    }

    @Test
    void decodesTheReadmeExample() throws IOException {
        byte[] value;
        try (InputStream in = getClass().getResourceAsStream("/examples/event.json")) {
            value = in.readAllBytes();
        }

        DecodeResult<UserEvent> result = json.decode(utf8("u42"), value);

        assertThat(result.violations()).isEmpty();
        assertThat(result.value().getItemId()).isEqualTo("i9001");
        assertThat(result.value().getBrandId()).isEqualTo("b-8");
    }

    @Test
    void normalisesIdsTypesAndBlankOptionals() {
        byte[] value = utf8("{\"eventId\":\" e1 \",\"userId\":\"\\tu1\",\"itemId\":\"i9\\n\",\"eventType\":\" PV \","
                + "\"timestamp\":1700000000000,\"sessionId\":\"   \",\"categoryId\":null,\"shopId\":\" Shop-A \"}");

        UserEvent event = json.decode(utf8("u1"), value).value();

        assertThat(event.getEventId()).isEqualTo("e1");
        assertThat(event.getUserId()).isEqualTo("u1");
        assertThat(event.getItemId()).isEqualTo("i9");
        assertThat(event.getEventType()).isEqualTo("view");
        assertThat(event.getSessionId()).isNull();
        assertThat(event.getCategoryId()).isNull();
        assertThat(event.getShopId()).as("case is kept").isEqualTo("Shop-A");
        assertThat(event.getWeight()).as("an absent weight stays absent").isNull();
    }

    @Test
    void acceptsTheEdgesOfEachLimit() {
        long edgeOfSkew =
                Samples.NOW + ValidationLimits.defaults().maxFutureSkew().toMillis();
        UserEvent event = Samples.event();
        event.setItemId("i".repeat(256));
        event.setTimestamp(edgeOfSkew);
        event.setWeight(1e6);

        assertThat(avro.decode(null, AvroBinaryCodec.of(UserEvent.class).encode(event))
                        .violations())
                .isEmpty();
        event.setWeight(0.0);
        assertThat(avro.decode(null, AvroBinaryCodec.of(UserEvent.class).encode(event))
                        .isValid())
                .isTrue();
    }

    @Test
    void decodesAvroToTheSameEventAsJson() {
        UserEvent original = Samples.event();

        UserEvent viaAvro = avro.decode(
                        utf8("u1"), AvroBinaryCodec.of(UserEvent.class).encode(original))
                .value();

        assertThat(viaAvro).isEqualTo(original);
    }

    @Test
    void refusesByDefaultAnEventAheadOfTheClockByMoreThanTheBrokerWouldAcceptAsARecordTimestamp() {
        UserEvent event = Samples.event();
        event.setTimestamp(Samples.NOW + java.time.Duration.ofHours(12).toMillis());

        DecodeResult<UserEvent> result =
                avro.decode(null, AvroBinaryCodec.of(UserEvent.class).encode(event));

        assertThat(result.violations())
                .extracting(io.streamrec.schemas.validate.Violation::reason)
                .containsExactly("timestamp-in-future:timestamp");
    }

    @Test
    void aRefusedResultHasNoValue() {
        DecodeResult<UserEvent> result = json.decode(null, utf8("{}"));

        assertThat(result.isValid()).isFalse();
        assertThatThrownBy(result::value)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("missing-field:eventId");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        List<UserEvent> events = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            events.add(Samples.randomEvent(random));
        }
        AvroBinaryCodec<UserEvent> codec = AvroBinaryCodec.of(UserEvent.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                tasks.add(() -> {
                    for (UserEvent e : events) {
                        if (!avro.decode(null, codec.encode(e)).value().equals(e)) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> done : pool.invokeAll(tasks)) {
                assertThat(done.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
