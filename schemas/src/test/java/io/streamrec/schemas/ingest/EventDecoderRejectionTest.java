package io.streamrec.schemas.ingest;

import static io.streamrec.schemas.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schemas.Samples;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.validate.ValidationLimits;
import io.streamrec.schemas.validate.Violation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of bad input is answered with its own precise reason, and with nothing else. */
class EventDecoderRejectionTest {

    private static final String BASE =
            "\"eventId\":\"e1\",\"userId\":\"u1\",\"itemId\":\"i9\",\"eventType\":\"click\",\"timestamp\":1700000000000";

    private static final AvroBinaryCodec<UserEvent> AVRO = AvroBinaryCodec.of(UserEvent.class);

    private final EventDecoder json = new EventDecoder(WireFormat.JSON, ValidationLimits.defaults(), Samples.CLOCK);
    private final EventDecoder avro = new EventDecoder(WireFormat.AVRO, ValidationLimits.defaults(), Samples.CLOCK);

    record BadInput(String name, WireFormat format, byte[] key, byte[] value, String... expectedReasons) {
        @Override
        public String toString() {
            return name + " -> " + String.join(", ", expectedReasons);
        }
    }

    /** The base event with {@code fields} appended. */
    private static byte[] event(String fields) {
        return utf8("{" + BASE + (fields.isEmpty() ? "" : "," + fields) + "}");
    }

    private static byte[] eventWithout(String field) {
        String body = Arrays.stream(BASE.split(","))
                .filter(member -> !member.startsWith("\"" + field + "\""))
                .collect(Collectors.joining(","));
        return utf8("{" + body + "}");
    }

    private static BadInput json(String name, byte[] value, String... expected) {
        return new BadInput(name, WireFormat.JSON, null, value, expected);
    }

    private static BadInput avro(String name, byte[] value, String expected) {
        return new BadInput(name, WireFormat.AVRO, null, value, expected);
    }

    private static byte[] avroOf(UserEvent e) {
        return AVRO.encode(e);
    }

    static Stream<BadInput> badInputs() {
        byte[] invalidUtf8 = event("\"sessionId\":\"sX\"");
        invalidUtf8[invalidUtf8.length - 3] = (byte) 0xFF; // never valid in UTF-8
        byte[] good = avroOf(Samples.event());
        byte[] avroTrailing = Arrays.copyOf(good, good.length + 2);
        UserEvent nanWeight = Samples.event();
        nanWeight.setWeight(Double.NaN);
        UserEvent tabInId = Samples.event();
        tabInId.setItemId("i\t9");
        return Stream.of(
                new BadInput("null value", WireFormat.JSON, null, null, "empty-payload"),
                json("zero bytes", new byte[0], "empty-payload"),
                json("whitespace only", utf8(" \n\t "), "empty-payload"),
                json("over 1 MiB", event("\"sessionId\":\"" + "s".repeat(1 << 20) + "\""), "payload-too-large"),
                json("bad UTF-8 byte", invalidUtf8, "invalid-utf8"),
                json("UTF-16 JSON", ("{" + BASE + "}").getBytes(StandardCharsets.UTF_16LE), "invalid-utf8"),
                json("truncated", utf8("{" + BASE.substring(0, 40)), "malformed-json"),
                json("single quotes", utf8("{'eventId':'e1'}"), "malformed-json"),
                json(
                        "nested 100 deep",
                        event("\"x\":" + "[".repeat(100) + "]".repeat(100)),
                        "unknown-field:x",
                        "json-limit-exceeded"), // reading stops at the limit; what came before stands
                json("an array", utf8("[" + "{" + BASE + "}]"), "not-an-object"),
                json("a string", utf8("\"click\""), "not-an-object"),
                json("second object", utf8("{" + BASE + "}{}"), "trailing-data"),
                json("garbage after", utf8("{" + BASE + "} x"), "trailing-data"),
                json("unknown field", event("\"color\":\"red\""), "unknown-field:color"),
                json("repeated field", event("\"userId\":\"u1\""), "duplicate-field:userId"),
                json("no userId", eventWithout("userId"), "missing-field:userId"),
                json("no timestamp", eventWithout("timestamp"), "missing-field:timestamp"),
                json("null required", utf8("{" + BASE.replace("\"u1\"", "null") + "}"), "null-field:userId"),
                json(
                        "timestamp as string",
                        utf8("{" + BASE.replace("1700000000000", "\"1700000000000\"") + "}"),
                        "wrong-type:timestamp"),
                json("object as id", utf8("{" + BASE.replace("\"i9\"", "{\"id\":\"i9\"}") + "}"), "wrong-type:itemId"),
                json(
                        "fractional timestamp",
                        utf8("{" + BASE.replace("1700000000000", "1700000000000.5") + "}"),
                        "not-an-integer:timestamp"),
                json(
                        "timestamp beyond long",
                        utf8("{" + BASE.replace("1700000000000", "99999999999999999999") + "}"),
                        "number-out-of-range:timestamp"),
                json("blank itemId", utf8("{" + BASE.replace("\"i9\"", "\"  \"") + "}"), "empty-field:itemId"),
                json(
                        "300-char itemId",
                        utf8("{" + BASE.replace("\"i9\"", "\"" + "i".repeat(300) + "\"") + "}"),
                        "id-too-long:itemId"),
                json(
                        "bell in itemId",
                        utf8("{" + BASE.replace("\"i9\"", "\"i\\u00079\"") + "}"),
                        "invalid-characters:itemId"),
                json(
                        "lone surrogate",
                        utf8("{" + BASE.replace("\"i9\"", "\"i\\ud800\"") + "}"),
                        "invalid-characters:itemId"),
                json(
                        "unknown type",
                        utf8("{" + BASE.replace("click", "teleport") + "}"),
                        "unknown-event-type:eventType"),
                json(
                        "zero timestamp",
                        utf8("{" + BASE.replace("1700000000000", "0") + "}"),
                        "timestamp-not-positive:timestamp"),
                json(
                        "two days ahead",
                        utf8("{" + BASE.replace("1700000000000", Long.toString(Samples.NOW + 2 * 86_400_000L)) + "}"),
                        "timestamp-in-future:timestamp"),
                json("NaN weight", event("\"weight\":NaN"), "weight-nan:weight"),
                json("weight overflows", event("\"weight\":1e400"), "weight-infinite:weight"),
                json("negative weight", event("\"weight\":-0.5"), "weight-negative:weight"),
                json("weight above 1e6", event("\"weight\":2e6"), "weight-too-large:weight"),
                new BadInput("key of another user", WireFormat.JSON, utf8("u2"), event(""), "key-mismatch:key"),
                new BadInput("key not UTF-8", WireFormat.JSON, new byte[] {(byte) 0xFF}, event(""), "invalid-utf8:key"),
                avro("random bytes", new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2}, "malformed-avro"),
                avro("truncated record", Arrays.copyOf(good, good.length - 3), "malformed-avro"),
                avro("bytes after the record", avroTrailing, "trailing-data"),
                avro("NaN weight", avroOf(nanWeight), "weight-nan:weight"),
                avro("tab inside an id", avroOf(tabInId), "invalid-characters:itemId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void answersEachBadInputWithItsOwnReason(BadInput input) {
        EventDecoder decoder = input.format == WireFormat.JSON ? json : avro;

        DecodeResult<UserEvent> result = decoder.decode(input.key, input.value);

        assertThat(result.isValid()).isFalse();
        assertThat(result.violations()).extracting(Violation::reason).containsExactly(input.expectedReasons);
    }

    @Test
    void coversMoreThanTwentyDistinctKinds() {
        Set<String> codes = badInputs()
                .flatMap(b -> Arrays.stream(b.expectedReasons))
                .map(reason -> reason.split(":")[0])
                .collect(Collectors.toSet());

        assertThat(codes).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void detailsSayWhatWasFound() {
        byte[] longId = utf8("{" + BASE.replace("\"i9\"", "\"" + "i".repeat(300) + "\"") + "}");
        byte[] unknownType = utf8("{" + BASE.replace("click", "teleport") + "}");

        assertThat(json.decode(null, longId).violations())
                .extracting(Violation::toString)
                .containsExactly("id-too-long:itemId: 300 > 256");
        assertThat(json.decode(null, unknownType).violations().get(0).toString())
                .startsWith("unknown-event-type:eventType: \"teleport\" is none of view, click, rate, fav, cart, buy");
        assertThat(json.decode(utf8("u2"), event("")).violations().get(0).toString())
                .isEqualTo("key-mismatch:key: key \"u2\" but userId \"u1\"");
    }

    @Test
    void reportsEveryFaultOfOneRecord() {
        byte[] value = utf8("{\"eventId\":\" \",\"userId\":null,\"eventType\":\"teleport\",\"timestamp\":-5,"
                + "\"weight\":-1,\"color\":\"red\",\"shopId\":\"" + "s".repeat(257) + "\"}");

        DecodeResult<UserEvent> result = json.decode(utf8("u1"), value);

        assertThat(result.violations())
                .extracting(Violation::reason)
                .containsExactlyInAnyOrder(
                        "empty-field:eventId",
                        "null-field:userId",
                        "missing-field:itemId",
                        "unknown-event-type:eventType",
                        "timestamp-not-positive:timestamp",
                        "weight-negative:weight",
                        "unknown-field:color",
                        "id-too-long:shopId");
    }

    @Test
    void echoesHugeProducerTextOnlyInPart() {
        String name = "k".repeat(10_000);
        DecodeResult<UserEvent> result = json.decode(null, event("\"" + name + "\":1"));

        assertThat(result.violations()).hasSize(1);
        assertThat(result.violations().get(0).toString()).hasSizeLessThan(200).contains("(10000 chars)");
    }

    @Test
    void neverThrowsOnHostileAvroLengths() {
        // eventId claims 2^30 bytes: the reader must notice the bytes are absent before allocating them
        byte[] hostile = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 'e'};

        DecodeResult<UserEvent> result = avro.decode(null, hostile);

        assertThat(result.violations()).extracting(Violation::reason).containsExactly("malformed-avro");
    }

    @Test
    void acceptsAnEmptyKeyAsNoKey() {
        assertThat(json.decode(new byte[0], event("")).isValid()).isTrue();
        assertThat(json.decode(utf8(" u1 "), event("")).isValid()).isTrue();
    }

    @Test
    void limitsAreTheConfiguredOnes() {
        EventDecoder strict = new EventDecoder(
                WireFormat.JSON, ValidationLimits.defaults().withMaxIdLength(2).withMaxWeight(10), Samples.CLOCK);

        assertThat(strict.decode(null, event("\"weight\":11")).violations())
                .extracting(Violation::toString)
                .containsExactly("weight-too-large:weight: 11.0 > 10.0");
        assertThat(strict.decode(null, utf8("{" + BASE.replace("\"e1\"", "\"e12\"") + "}"))
                        .violations())
                .extracting(Violation::toString)
                .containsExactly("id-too-long:eventId: 3 > 2");
    }
}
