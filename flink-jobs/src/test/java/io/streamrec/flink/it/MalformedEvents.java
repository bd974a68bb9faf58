package io.streamrec.flink.it;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.JsonCodecs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Bad records of many kinds, each built from a good event with exactly one fault and the reason code the
 * dead-letter topic must give for it. The tests find each one in the DLQ by the partition and offset it landed at.
 */
final class MalformedEvents {

    /** A record to produce: its Kafka key (may be null), its value, and the reason it must be refused with. */
    record Malformed(String key, byte[] value, String expectedReason) {}

    private record Fault(String reason, BiFunction<UserEvent, Integer, Malformed> make) {}

    private static final List<Fault> FAULTS = List.of(
            new Fault("empty-payload", (e, n) -> new Malformed(e.getUserId(), new byte[0], "empty-payload")),
            new Fault(
                    "malformed-json",
                    (e, n) -> json(e, "{\"eventId\":\"bad-" + n + "\",\"userId\":", "malformed-json")),
            new Fault("not-an-object", (e, n) -> json(e, "[\"bad-" + n + "\"]", "not-an-object")),
            new Fault("trailing-data", (e, n) -> json(e, text(e, n) + " {\"extra\":" + n + "}", "trailing-data")),
            new Fault("invalid-utf8", (e, n) -> new Malformed(e.getUserId(), invalidUtf8(text(e, n)), "invalid-utf8")),
            new Fault(
                    "missing-field",
                    (e, n) ->
                            json(e, text(e, n).replace("\"itemId\":\"" + e.getItemId() + "\",", ""), "missing-field")),
            new Fault("null-field", (e, n) -> json(e, replaceItem(e, n, "null"), "null-field")),
            new Fault("wrong-type", (e, n) -> json(e, replaceItem(e, n, "[1,2]"), "wrong-type")),
            new Fault("empty-field", (e, n) -> json(e, replaceItem(e, n, "\"   \""), "empty-field")),
            new Fault(
                    "id-too-long",
                    (e, n) -> json(e, replaceItem(e, n, "\"" + "x".repeat(300) + n + "\""), "id-too-long")),
            new Fault(
                    "invalid-characters",
                    (e, n) -> json(e, replaceItem(e, n, "\"a\\u0001b" + n + "\""), "invalid-characters")),
            new Fault(
                    "unknown-field",
                    (e, n) -> json(e, text(e, n).replace("{", "{\"colour\":\"red\","), "unknown-field")),
            new Fault(
                    "duplicate-field",
                    (e, n) -> json(e, text(e, n).replace("{", "{\"itemId\":\"i" + n + "\","), "duplicate-field")),
            new Fault(
                    "unknown-event-type",
                    (e, n) -> json(e, text(e, n).replace("\"rate\"", "\"teleport\""), "unknown-event-type")),
            new Fault(
                    "timestamp-not-positive",
                    (e, n) -> json(e, withTimestamp(e, n, "-" + (n + 1)), "timestamp-not-positive")),
            new Fault(
                    "timestamp-in-future",
                    (e, n) -> json(
                            e,
                            withTimestamp(
                                    e,
                                    n,
                                    Long.toString(Instant.now()
                                                    .plus(Duration.ofDays(30))
                                                    .toEpochMilli()
                                            + n)),
                            "timestamp-in-future")),
            new Fault(
                    "not-an-integer",
                    (e, n) -> json(e, withTimestamp(e, n, e.getTimestamp() + ".5"), "not-an-integer")),
            new Fault("weight-negative", (e, n) -> json(e, withWeight(e, n, "-" + (n + 1) + ".0"), "weight-negative")),
            new Fault("weight-too-large", (e, n) -> json(e, withWeight(e, n, (1e7 + n) + ""), "weight-too-large")),
            new Fault("key-mismatch", (e, n) -> new Malformed("someone-else-" + n, bytes(text(e, n)), "key-mismatch")));

    private MalformedEvents() {}

    /** The reason codes covered, one per kind of fault. */
    static List<String> kinds() {
        return FAULTS.stream().map(Fault::reason).toList();
    }

    /** {@code count} bad records cycling through every kind, built from the given good events. */
    static List<Malformed> make(int count, List<UserEvent> goodEvents) {
        List<Malformed> result = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            UserEvent base = goodEvents.get((n * 7919) % goodEvents.size());
            result.add(FAULTS.get(n % FAULTS.size()).make().apply(base, n));
        }
        return result;
    }

    /** The good event as JSON with a unique eventId, so every bad record is distinct. */
    private static String text(UserEvent e, int n) {
        UserEvent unique = UserEvent.newBuilder(e).setEventId("bad-" + n).build();
        return new String(JsonCodecs.USER_EVENT.encode(unique), StandardCharsets.UTF_8);
    }

    private static String replaceItem(UserEvent e, int n, String itemJson) {
        return text(e, n).replace("\"itemId\":\"" + e.getItemId() + "\"", "\"itemId\":" + itemJson);
    }

    private static String withTimestamp(UserEvent e, int n, String timestampJson) {
        return text(e, n).replace("\"timestamp\":" + e.getTimestamp(), "\"timestamp\":" + timestampJson);
    }

    private static String withWeight(UserEvent e, int n, String weightJson) {
        UserEvent weighted =
                UserEvent.newBuilder(e).setEventId("bad-" + n).setWeight(1.0).build();
        return new String(JsonCodecs.USER_EVENT.encode(weighted), StandardCharsets.UTF_8)
                .replace("\"weight\":1.0", "\"weight\":" + weightJson);
    }

    private static byte[] invalidUtf8(String json) {
        byte[] valid = bytes(json.replace("\"rate\"", "\"r?te\""));
        for (int i = 0; i < valid.length; i++) {
            if (valid[i] == '?') {
                valid[i] = (byte) 0xC3; // a lead byte followed by ASCII: not UTF-8
                return valid;
            }
        }
        throw new IllegalStateException("no placeholder in " + json);
    }

    private static Malformed json(UserEvent e, String text, String reason) {
        return new Malformed(e.getUserId(), bytes(text), reason);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
