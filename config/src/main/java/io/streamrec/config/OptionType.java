package io.streamrec.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the values of an {@link Option} are written as text and read back: on a command line, in a Flink
 * configuration, in a {@code key=value} setting or in a checkpoint. {@link #format} and {@link #parse} round-trip.
 *
 * @param <T> the value type
 */
public interface OptionType<T> extends Serializable {

    /** Reads a value; throws {@link IllegalArgumentException} saying what a value of this type looks like. */
    T parse(String text);

    /** Writes a value as {@link #parse} reads it back. */
    String format(T value);

    /** The placeholder of a value in help texts: {@code N}, {@code TIME}, {@code NAME}. */
    String label();

    /** A value of the type as a user would write it, for help and error messages: "a whole number". */
    String describe();

    /** Whole numbers that fit an {@code int}. */
    OptionType<Integer> INT = of("N", "a whole number", text -> Integer.parseInt(text.trim()), String::valueOf);

    /** Whole numbers that fit a {@code long}. */
    OptionType<Long> LONG = of("N", "a whole number", text -> Long.parseLong(text.trim()), String::valueOf);

    /** Decimal numbers ({@code 0.01}, {@code 1e-3}). */
    OptionType<Double> DOUBLE = of("X", "a number", text -> Double.parseDouble(text.trim()), String::valueOf);

    /** {@code true} or {@code false}. */
    OptionType<Boolean> BOOLEAN = of("true|false", "true or false", OptionType::parseBoolean, String::valueOf);

    /** Any text, kept as written (trimmed). */
    OptionType<String> STRING = of("TEXT", "text", String::trim, text -> text);

    /** Durations as people type them: see {@link Durations}. */
    OptionType<Duration> DURATION = of("TIME", Durations.DESCRIPTION, Durations::parse, Durations::format);

    /** Comma-separated whole numbers ({@code 32,16,8,4,4}); empty for none. */
    OptionType<List<Integer>> INT_LIST = of(
            "N,N,...",
            "comma-separated whole numbers",
            text -> text.isBlank()
                    ? List.of()
                    : Arrays.stream(text.split(","))
                            .map(String::trim)
                            .map(Integer::valueOf)
                            .toList(),
            values -> values.stream().map(String::valueOf).collect(Collectors.joining(",")));

    /** Comma-separated names ({@code age,gender}); empty for none. */
    OptionType<List<String>> STRING_LIST = of(
            "NAME,NAME,...",
            "comma-separated names",
            text -> text.isBlank()
                    ? List.of()
                    : Arrays.stream(text.split(",")).map(String::trim).toList(),
            values -> String.join(",", values));

    /**
     * Free-form {@code key=value} entries (extra Kafka client properties, say). On a command line the option repeats,
     * one entry each ({@code --kafka-property security.protocol=SSL}); in a flat configuration each entry is a key of
     * its own under the option's prefix ({@code streamrec.kafka.security.protocol: SSL}).
     */
    OptionType<Map<String, String>> MAP = new MapType();

    /**
     * The constants of {@code type}, written in lower case with dashes ({@code at-least-once}); upper case and
     * underscores are read too.
     */
    static <E extends Enum<E>> OptionType<E> enumOf(Class<E> type) {
        String names =
                Arrays.stream(type.getEnumConstants()).map(OptionType::enumName).collect(Collectors.joining(", "));
        return of(
                "NAME",
                "one of " + names,
                text -> {
                    String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
                    for (E constant : type.getEnumConstants()) {
                        if (constant.name().equals(wanted)) {
                            return constant;
                        }
                    }
                    throw new IllegalArgumentException("not one of " + names);
                },
                OptionType::enumName);
    }

    /** A type from its parts; {@code parser} may throw any {@link RuntimeException} for a bad value. */
    static <T> OptionType<T> of(
            String label,
            String describe,
            SerializableFunction<String, T> parser,
            SerializableFunction<T, String> formatter) {
        return new SimpleType<>(label, describe, parser, formatter);
    }

    /** A {@link Function} that travels with the option inside a Flink job graph. */
    @FunctionalInterface
    interface SerializableFunction<A, B> extends Function<A, B>, Serializable {}

    private static Boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false");
        };
    }

    private static String enumName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A type made of a parser and a formatter. */
    final class SimpleType<T> implements OptionType<T> {
        private static final long serialVersionUID = 1L;

        private final String label;
        private final String describe;
        private final SerializableFunction<String, T> parser;
        private final SerializableFunction<T, String> formatter;

        private SimpleType(
                String label,
                String describe,
                SerializableFunction<String, T> parser,
                SerializableFunction<T, String> formatter) {
            this.label = label;
            this.describe = describe;
            this.parser = parser;
            this.formatter = formatter;
        }

        @Override
        public T parse(String text) {
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                throw e.getMessage() != null && e.getMessage().startsWith("not ")
                        ? e
                        : new IllegalArgumentException("not " + describe, e);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not " + describe, e);
            }
        }

        @Override
        public String format(T value) {
            return formatter.apply(value);
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        public String describe() {
            return describe;
        }
    }

    /** See {@link #MAP}: its text form, for a single string, is {@code k1=v1,k2=v2}. */
    final class MapType implements OptionType<Map<String, String>> {
        private static final long serialVersionUID = 1L;

        private MapType() {}

        @Override
        public Map<String, String> parse(String text) {
            Map<String, String> entries = new java.util.LinkedHashMap<>();
            if (text.isBlank()) {
                return entries;
            }
            for (String entry : text.split(",")) {
                String[] kv = entry.split("=", 2);
                if (kv.length != 2 || kv[0].isBlank()) {
                    throw new IllegalArgumentException("not KEY=VALUE: '" + entry + "'");
                }
                entries.put(kv[0].trim(), kv[1].trim());
            }
            return entries;
        }

        @Override
        public String format(Map<String, String> value) {
            return value.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(","));
        }

        @Override
        public String label() {
            return "KEY=VALUE";
        }

        @Override
        public String describe() {
            return "KEY=VALUE entries";
        }
    }
}
