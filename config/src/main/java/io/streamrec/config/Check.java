package io.streamrec.config;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * A rule an option's value must follow, with what to change when it does not.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface Check<T> {

    /** Null when {@code value} is fine, else what to set instead, e.g. "set it to at least 1". */
    String problem(T value);

    /** A check from a predicate and the advice shown when it fails. */
    static <T> Check<T> of(Predicate<T> ok, String advice) {
        return value -> ok.test(value) ? null : advice;
    }

    /** {@code value >= min}. */
    static Check<Integer> atLeast(int min) {
        return of(v -> v >= min, "set it to at least " + min);
    }

    /** {@code value >= min}. */
    static Check<Long> atLeast(long min) {
        return of(v -> v >= min, "set it to at least " + min);
    }

    /** {@code min <= value <= max}. */
    static Check<Integer> between(int min, int max) {
        return of(v -> v >= min && v <= max, "set it between " + min + " and " + max);
    }

    /** A finite number above 0. */
    static Check<Double> positiveNumber() {
        return of(v -> v > 0 && Double.isFinite(v), "set it to a finite number above 0");
    }

    /** A finite number in {@code (0, 1)}. */
    static Check<Double> openUnitInterval() {
        return of(v -> v > 0 && v < 1, "set it to a number between 0 and 1 (both excluded)");
    }

    /** {@code value >= min}. */
    static Check<Duration> atLeast(Duration min) {
        return of(v -> v.compareTo(min) >= 0, "set it to at least " + Durations.format(min));
    }

    /** A duration above zero. */
    static Check<Duration> positiveDuration() {
        return of(v -> !v.isNegative() && !v.isZero(), "set it to a positive duration");
    }

    /** Zero or more. */
    static Check<Duration> notNegative() {
        return of(v -> !v.isNegative(), "set it to 0 or more");
    }

    /** Text that is not blank. */
    static Check<String> notBlank(String example) {
        return of(v -> !v.isBlank(), "set it, e.g. to " + example);
    }
}
