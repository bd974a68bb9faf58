package io.streamrec.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting, declared once: its key, type, default, description and the checks its value must pass. Everything
 * else derives from it: the command-line option {@code --<key>} and its help, the Flink configuration key
 * {@code streamrec.<key>}, the check at start that lists every problem, and the README's configuration table.
 * Declared the way Flink declares its {@code ConfigOption}s:
 *
 * <pre>{@code
 * public static final Option<Duration> CHECKPOINT_INTERVAL = Option.key("checkpoint-interval")
 *         .durationType()
 *         .defaultValue(Duration.ofSeconds(10))
 *         .withDescription("How often the job checkpoints ...")
 *         .withCheck(Check.atLeast(Duration.ofMillis(100)));
 * }</pre>
 *
 * Immutable; the {@code with*} methods return a copy.
 *
 * @param <T> the value type
 */
public final class Option<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Lower-case words joined by dashes, with optional dotted namespaces: {@code sdm.attention-heads}. */
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*(\\.[a-z][a-z0-9]*(-[a-z0-9]+)*)*");

    private final String key;
    private final OptionType<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final String description;
    /** Not serialized: a value is checked before it travels, and checks may capture anything. */
    private final transient List<Check<? super T>> checks;

    private final String prefix;

    private Option(
            String key,
            OptionType<T> type,
            T defaultValue,
            String defaultText,
            String description,
            List<Check<? super T>> checks,
            String prefix) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.description = description;
        this.checks = List.copyOf(checks);
        this.prefix = prefix;
    }

    /** Starts the declaration of the option {@code key} (lower case, words joined by dashes). */
    public static Builder key(String key) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("option key '" + key + "' must be lower-case words joined by dashes, "
                    + "optionally in dotted namespaces (sdm.attention-heads)");
        }
        return new Builder(key);
    }

    public String key() {
        return key;
    }

    public OptionType<T> type() {
        return type;
    }

    /** The value when none is given; null when the option has none (it is then unset unless given). */
    public T defaultValue() {
        return defaultValue;
    }

    public boolean hasDefault() {
        return defaultValue != null;
    }

    /** The default as help texts show it: the formatted value, the declared text, or "none". */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        if (defaultValue == null) {
            return "none";
        }
        String text = type.format(defaultValue);
        return text.isEmpty() ? "none" : text;
    }

    public String description() {
        return description;
    }

    /**
     * For {@link OptionType#MAP} options, the prefix of their entries in a flat configuration ({@code kafka.}: the
     * entry {@code security.protocol} is the key {@code kafka.security.protocol}); null for every other option.
     */
    public String prefix() {
        return prefix;
    }

    /** What to change when {@code value} fails one of the option's checks ("set it to at least 1"); null when fine. */
    public String advice(T value) {
        for (Check<? super T> check : checks == null ? List.<Check<? super T>>of() : checks) {
            String advice = check.problem(value);
            if (advice != null) {
                return advice;
            }
        }
        return null;
    }

    /**
     * Returns {@code value} when it passes the option's checks: for value classes built in code, which guard the same
     * rules the option declares.
     *
     * @throws IllegalArgumentException naming the option, the value and what to set instead
     */
    public T require(T value) {
        String advice = advice(value);
        if (advice != null) {
            throw new IllegalArgumentException(key + " is " + type.format(value) + ": " + advice);
        }
        return value;
    }

    /** A copy with this description (what the option does, and why its default is what it is). */
    public Option<T> withDescription(String text) {
        return new Option<>(key, type, defaultValue, defaultText, text, checks, prefix);
    }

    /** A copy that also checks {@code check}. */
    public Option<T> withCheck(Check<? super T> check) {
        List<Check<? super T>> all = new ArrayList<>(checks == null ? List.of() : checks);
        all.add(Objects.requireNonNull(check, "check"));
        return new Option<>(key, type, defaultValue, defaultText, description, all, prefix);
    }

    /** A copy whose help shows {@code text} as its default: for a default derived from other options. */
    public Option<T> withDefaultText(String text) {
        return new Option<>(key, type, defaultValue, text, description, checks, prefix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Option<?> other && other.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key;
    }

    /** Chooses the option's type. */
    public static final class Builder {
        private final String key;

        private Builder(String key) {
            this.key = key;
        }

        public <T> TypedBuilder<T> type(OptionType<T> type) {
            return new TypedBuilder<>(key, Objects.requireNonNull(type, "type"));
        }

        public TypedBuilder<Integer> intType() {
            return type(OptionType.INT);
        }

        public TypedBuilder<Long> longType() {
            return type(OptionType.LONG);
        }

        public TypedBuilder<Double> doubleType() {
            return type(OptionType.DOUBLE);
        }

        public TypedBuilder<Boolean> booleanType() {
            return type(OptionType.BOOLEAN);
        }

        public TypedBuilder<String> stringType() {
            return type(OptionType.STRING);
        }

        public TypedBuilder<Duration> durationType() {
            return type(OptionType.DURATION);
        }

        public <E extends Enum<E>> TypedBuilder<E> enumType(Class<E> type) {
            return type(OptionType.enumOf(type));
        }

        /**
         * {@code key=value} entries, empty by default; in a flat configuration each entry is the key
         * {@code prefix + entry key} (see {@link OptionType#MAP}).
         */
        public Option<Map<String, String>> mapType(String prefix) {
            if (!prefix.endsWith(".")) {
                throw new IllegalArgumentException("the prefix of map option " + key + " must end with a dot");
            }
            return new Option<>(key, OptionType.MAP, Map.of(), null, "", List.of(), prefix);
        }
    }

    /** Chooses the option's default. */
    public static final class TypedBuilder<T> {
        private final String key;
        private final OptionType<T> type;

        private TypedBuilder(String key, OptionType<T> type) {
            this.key = key;
            this.type = type;
        }

        public Option<T> defaultValue(T value) {
            return new Option<>(key, type, Objects.requireNonNull(value, "default"), null, "", List.of(), null);
        }

        /** No default: the option is unset unless given ({@link Settings#getOptional}). */
        public Option<T> noDefaultValue() {
            return new Option<>(key, type, null, null, "", List.of(), null);
        }
    }
}
