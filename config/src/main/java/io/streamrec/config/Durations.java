package io.streamrec.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them, on a command line or in a Flink configuration: {@code 500ms}, {@code 10s},
 * {@code 5m}, {@code 2h}, {@code 7d}, Flink's own spelling ({@code 10 s}, {@code 5 min}), a bare number of seconds
 * ({@code 2.5}), or ISO-8601 ({@code PT10S}).
 */
public final class Durations {

    /** How a duration is written, for help and error messages. */
    public static final String DESCRIPTION = "a duration such as 500ms, 10s, 5m, 2h, 7d (or ISO-8601, PT10S)";

    private static final Pattern AMOUNT_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");

    private Durations() {}

    /** Reads a duration; throws {@link IllegalArgumentException} saying how to write one. */
    public static Duration parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.startsWith("p")) {
            try {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(value);
            }
        }
        Matcher m = AMOUNT_UNIT.matcher(text);
        if (!m.matches()) {
            throw invalid(value);
        }
        double amount = Double.parseDouble(m.group(1));
        double millis = amount
                * switch (m.group(2)) {
                    case "ms", "milli", "millis", "millisecond", "milliseconds" -> 1;
                    case "", "s", "sec", "secs", "second", "seconds" -> 1_000;
                    case "m", "min", "mins", "minute", "minutes" -> 60_000;
                    case "h", "hour", "hours" -> 3_600_000;
                    case "d", "day", "days" -> 86_400_000;
                    default -> throw invalid(value);
                };
        return Duration.ofMillis(Math.round(millis));
    }

    /** The shortest form {@link #parse} reads back: {@code 10s}, {@code 7d}, {@code 500ms}, {@code 0s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1_000 == 0 ? ms / 1_000 + "s" : ms + "ms";
    }

    private static IllegalArgumentException invalid(String value) {
        return new IllegalArgumentException("not " + DESCRIPTION);
    }
}
