package io.streamrec.schemas.ingest;

import static io.streamrec.schemas.Samples.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.streamrec.schemas.Samples;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import io.streamrec.schemas.codec.JsonCodecs;
import io.streamrec.schemas.validate.ValidationLimits;
import io.streamrec.schemas.validate.ViolationCode;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded fuzzing of the ingestion contract: hostile inputs mixed with good events. Nothing may
 * escape as an exception, every bad input is refused with at least one reason (and never as an
 * internal error), and every good event comes out exactly as it went in.
 */
class DecoderFuzzTest {

    private static final long SEED = 20_231_114L;
    private static final int ROUNDS = 3_000;
    private static final int TEN_MB = 10 * 1024 * 1024;

    private enum Expect {
        GOOD,
        BAD,
        EITHER
    }

    private record Case(String kind, byte[] value, Expect expect, UserEvent event) {}

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void survivesHostileInputMixedWithGoodEvents(WireFormat format) {
        Random random = new Random(SEED + format.ordinal());
        EventDecoder decoder = new EventDecoder(format, ValidationLimits.defaults(), Samples.CLOCK);
        Function<UserEvent, byte[]> encode =
                format == WireFormat.JSON ? JsonCodecs.USER_EVENT::encode : AvroBinaryCodec.of(UserEvent.class)::encode;
        int good = 0;
        int bad = 0;

        for (int round = 0; round < ROUNDS; round++) {
            Case c = round % 1_500 == 1_499 ? hugeString(random, format, TEN_MB) : nextCase(random, encode, format);
            DecodeResult<UserEvent> result =
                    decoder.decode(c.event == null ? null : utf8(c.event.getUserId()), c.value);

            // plain checks per round, AssertJ only to report a failure: thousands of descriptions would dominate the
            // run
            if (result.violations().stream().anyMatch(v -> v.code() == ViolationCode.INTERNAL_ERROR)) {
                fail(c.kind + " hit an internal error: " + result.violations());
            }
            switch (c.expect) {
                case GOOD -> {
                    if (!result.isValid() || !result.value().equals(c.event)) {
                        assertThat(result.violations())
                                .as(c.kind + " " + c.event)
                                .isEmpty();
                        assertThat(result.value()).as(c.kind).isEqualTo(c.event);
                    }
                    good++;
                }
                case BAD -> {
                    if (result.isValid() || result.violations().isEmpty()) {
                        fail(c.kind + " was accepted: " + result);
                    }
                    bad++;
                }
                case EITHER -> {} // a mutation may still be a valid event: it only must not throw
            }
        }
        assertThat(good).as("good events decoded").isGreaterThan(ROUNDS / 5);
        assertThat(bad).as("bad inputs refused").isGreaterThan(ROUNDS / 3);
    }

    private static Case nextCase(Random random, Function<UserEvent, byte[]> encode, WireFormat format) {
        UserEvent event = Samples.randomEvent(random);
        byte[] encoded = encode.apply(event);
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> new Case("good event", encoded, Expect.GOOD, event);
            case 3 -> new Case("random bytes", randomBytes(random, random.nextInt(300)), Expect.BAD, null);
            case 4 -> new Case("truncated", Arrays.copyOf(encoded, random.nextInt(encoded.length)), Expect.BAD, null);
            case 5 -> new Case("mutated", mutate(random, encoded), Expect.EITHER, null);
            case 6 ->
                new Case(
                        "garbage appended",
                        append(encoded, randomBytes(random, 1 + random.nextInt(20))),
                        appendedIsHarmless(format) ? Expect.EITHER : Expect.BAD,
                        null);
            case 7 -> hugeString(random, format, 300 + random.nextInt(20_000));
            case 8 -> new Case("deep nesting", deepNesting(random), Expect.BAD, null);
            default -> new Case("token soup", tokenSoup(random), Expect.BAD, null);
        };
    }

    /** Whitespace after a JSON object is allowed, and random bytes may be just that. */
    private static boolean appendedIsHarmless(WireFormat format) {
        return format == WireFormat.JSON;
    }

    private static Case hugeString(Random random, WireFormat format, int length) {
        char[] filler = new char[length];
        Arrays.fill(filler, (char) ('a' + random.nextInt(26)));
        UserEvent event = Samples.randomEvent(random);
        event.setItemId(new String(filler));
        byte[] value = format == WireFormat.JSON
                ? JsonCodecs.USER_EVENT.encode(event)
                : AvroBinaryCodec.of(UserEvent.class).encode(event);
        return new Case("huge string of " + length, value, Expect.BAD, null);
    }

    private static byte[] deepNesting(Random random) {
        int depth = 10 + random.nextInt(20_000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return utf8("{\"eventId\":\"e\",\"x\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}");
    }

    private static byte[] tokenSoup(Random random) {
        String[] tokens = {
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"userId\"",
            "\"eventType\"",
            "\"timestamp\"",
            "null",
            "true",
            "1e999",
            "-0",
            "NaN",
            "\"\\u0000\"",
            "\"\\ud800\"",
            "\"é\"",
            " ",
            "\"",
            "\\",
            "1700000000000"
        };
        StringBuilder soup = new StringBuilder("{");
        int n = random.nextInt(60);
        for (int i = 0; i < n; i++) {
            soup.append(tokens[random.nextInt(tokens.length)]);
        }
        return utf8(soup.toString());
    }

    private static byte[] mutate(Random random, byte[] encoded) {
        byte[] copy = encoded.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips && copy.length > 0; i++) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static byte[] append(byte[] head, byte[] tail) {
        byte[] joined = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, joined, head.length, tail.length);
        return joined;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
