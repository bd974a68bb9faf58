package io.streamrec.schemas.validate;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The bounds an incoming record must respect, checked when the limits are built so a bad setting
 * fails at start-up with what to change, never later on a record.
 *
 * <table>
 *   <caption>Limits, their configuration keys and defaults</caption>
 *   <tr><th>limit</th><th>key</th><th>default</th></tr>
 *   <tr><td>{@link #maxIdLength()}: longest id or profile value, in UTF-16 chars</td>
 *       <td>{@value #MAX_ID_LENGTH}</td><td>256</td></tr>
 *   <tr><td>{@link #maxPayloadBytes()}: largest value accepted, before any parsing</td>
 *       <td>{@value #MAX_PAYLOAD_BYTES}</td><td>1048576 (1 MiB)</td></tr>
 *   <tr><td>{@link #maxFutureSkew()}: how far ahead of the clock an event time may be</td>
 *       <td>{@value #MAX_FUTURE_SKEW_MS}</td><td>300000 (5 minutes)</td></tr>
 *   <tr><td>{@link #maxWeight()}: largest reward an event may carry</td>
 *       <td>{@value #MAX_WEIGHT}</td><td>1e6</td></tr>
 *   <tr><td>{@link #maxProfileFeatures()}: most named features in one profile</td>
 *       <td>{@value #MAX_PROFILE_FEATURES}</td><td>64</td></tr>
 * </table>
 *
 * <p>The future skew is the one bound on how far ahead of the wall clock an event may be; an event past it is
 * refused as {@code timestamp-in-future}. It must not exceed the {@code message.timestamp.after.max.ms} of the
 * events topic (Kafka 4's default is 1 hour): a producer that stamps its records with the event time cannot put an
 * event further ahead than that into the topic, and the job treats every producer alike. The default of 5 minutes
 * covers producer clocks that run a little fast and keeps an event stamped far ahead from carrying its partition's
 * watermark, and so the user's later events, with it.
 */
public record ValidationLimits(
        int maxIdLength, int maxPayloadBytes, Duration maxFutureSkew, double maxWeight, int maxProfileFeatures)
        implements Serializable {

    public static final String MAX_ID_LENGTH = "validation.max.id.length";
    public static final String MAX_PAYLOAD_BYTES = "validation.max.payload.bytes";
    public static final String MAX_FUTURE_SKEW_MS = "validation.max.future.skew.ms";
    public static final String MAX_WEIGHT = "validation.max.weight";
    public static final String MAX_PROFILE_FEATURES = "validation.max.profile.features";

    private static final Set<String> KEYS =
            Set.of(MAX_ID_LENGTH, MAX_PAYLOAD_BYTES, MAX_FUTURE_SKEW_MS, MAX_WEIGHT, MAX_PROFILE_FEATURES);

    private static final ValidationLimits DEFAULTS = new ValidationLimits(256, 1 << 20, Duration.ofMinutes(5), 1e6, 64);

    public ValidationLimits {
        require(maxIdLength > 0, MAX_ID_LENGTH, maxIdLength, "a positive number of characters");
        require(maxPayloadBytes > 0, MAX_PAYLOAD_BYTES, maxPayloadBytes, "a positive number of bytes");
        require(
                maxFutureSkew != null && !maxFutureSkew.isNegative(),
                MAX_FUTURE_SKEW_MS,
                maxFutureSkew,
                "zero or more milliseconds");
        require(maxWeight > 0 && Double.isFinite(maxWeight), MAX_WEIGHT, maxWeight, "a finite number above 0");
        require(maxProfileFeatures > 0, MAX_PROFILE_FEATURES, maxProfileFeatures, "a positive count");
    }

    /** The documented defaults. */
    public static ValidationLimits defaults() {
        return DEFAULTS;
    }

    /**
     * Limits from configuration entries (the keys above); a missing key keeps its default.
     *
     * @throws IllegalArgumentException naming the key, when a value is unparsable or out of range,
     *                                  or a key starting with {@code validation.} is not one of ours
     */
    public static ValidationLimits fromConfig(Map<String, String> config) {
        Set<String> unknown = new TreeSet<>();
        for (String key : config.keySet()) {
            if (key.startsWith("validation.") && !KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown validation setting(s) " + unknown + "; the known ones are "
                    + new TreeSet<>(KEYS) + ". Fix the spelling or remove them.");
        }
        return new ValidationLimits(
                parse(config, MAX_ID_LENGTH, Integer::parseInt, DEFAULTS.maxIdLength),
                parse(config, MAX_PAYLOAD_BYTES, Integer::parseInt, DEFAULTS.maxPayloadBytes),
                Duration.ofMillis(
                        parse(config, MAX_FUTURE_SKEW_MS, Long::parseLong, DEFAULTS.maxFutureSkew.toMillis())),
                parse(config, MAX_WEIGHT, Double::parseDouble, DEFAULTS.maxWeight),
                parse(config, MAX_PROFILE_FEATURES, Integer::parseInt, DEFAULTS.maxProfileFeatures));
    }

    public ValidationLimits withMaxIdLength(int value) {
        return new ValidationLimits(value, maxPayloadBytes, maxFutureSkew, maxWeight, maxProfileFeatures);
    }

    public ValidationLimits withMaxPayloadBytes(int value) {
        return new ValidationLimits(maxIdLength, value, maxFutureSkew, maxWeight, maxProfileFeatures);
    }

    public ValidationLimits withMaxFutureSkew(Duration value) {
        return new ValidationLimits(maxIdLength, maxPayloadBytes, value, maxWeight, maxProfileFeatures);
    }

    public ValidationLimits withMaxWeight(double value) {
        return new ValidationLimits(maxIdLength, maxPayloadBytes, maxFutureSkew, value, maxProfileFeatures);
    }

    public ValidationLimits withMaxProfileFeatures(int value) {
        return new ValidationLimits(maxIdLength, maxPayloadBytes, maxFutureSkew, maxWeight, value);
    }

    private static <T> T parse(Map<String, String> config, String key, Function<String, T> parser, T fallback) {
        String raw = config.get(key);
        if (raw == null) {
            return fallback;
        }
        try {
            return parser.apply(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Setting " + key + "=" + raw + " is not a number; set it to a number" + " such as "
                            + DEFAULTS.valueOf(key) + " (the default), or remove it.",
                    e);
        }
    }

    private Object valueOf(String key) {
        return switch (key) {
            case MAX_ID_LENGTH -> maxIdLength;
            case MAX_PAYLOAD_BYTES -> maxPayloadBytes;
            case MAX_FUTURE_SKEW_MS -> maxFutureSkew.toMillis();
            case MAX_WEIGHT -> maxWeight;
            default -> maxProfileFeatures;
        };
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "Validation limit " + key + " is " + value + "; it must be " + expected + ".");
        }
    }
}
