package io.streamrec.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Values of {@link Option}s, as Flink's {@code Configuration} holds them: {@link #get} returns the value given, or
 * the option's default. Immutable and serializable (it travels inside the job graph); build one with
 * {@link OptionTable#parse} from text, which checks every value, or with {@link #builder()} in code, and check it
 * with {@link OptionTable#validate}.
 */
public final class Settings implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Settings EMPTY = new Settings(Map.of(), Map.of());

    /** Given values by option key. */
    private final Map<String, Object> values;
    /** The options of {@link #values}, so that {@link #toStrings} can format them. */
    private final Map<String, Option<?>> options;

    private Settings(Map<String, Object> values, Map<String, Option<?>> options) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** No value given: every option at its default. */
    public static Settings empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.options.putAll(options);
        return b;
    }

    /** The value given for {@code option}, or its default (null when it has none). */
    @SuppressWarnings("unchecked")
    public <T> T get(Option<T> option) {
        Object value = values.get(option.key());
        return value != null ? (T) value : option.defaultValue();
    }

    /** The value given for {@code option} or its default; empty when neither exists. */
    public <T> Optional<T> getOptional(Option<T> option) {
        return Optional.ofNullable(get(option));
    }

    /** Whether a value was given for {@code option} (its default does not count). */
    public boolean isSet(Option<?> option) {
        return values.containsKey(option.key());
    }

    /**
     * The given values as text, each as {@link OptionTable#parse} reads it back: map options as one key per entry
     * under their prefix.
     */
    public Map<String, String> toStrings() {
        Map<String, String> text = new LinkedHashMap<>();
        values.forEach((key, value) -> format(options.get(key), value, text));
        return text;
    }

    @SuppressWarnings("unchecked")
    private static <T> void format(Option<T> option, Object value, Map<String, String> text) {
        if (option.prefix() != null) {
            ((Map<String, String>) value).forEach((k, v) -> text.put(option.prefix() + k, v));
        } else {
            text.put(option.key(), option.type().format((T) value));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings other && other.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** The given values, with entries whose key names a password, secret, token or JAAS config hidden. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        toStrings().forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
        return shown.toString();
    }

    private static boolean isSecret(String key) {
        return key.toLowerCase(Locale.ROOT).matches(".*(password|secret|jaas|token).*");
    }

    /** Collects values; {@link #build} does not check them (see {@link OptionTable#validate}). */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Option<?>> options = new LinkedHashMap<>();

        private Builder() {}

        /** Sets {@code option} to {@code value}; null removes a value given before (back to the default). */
        public <T> Builder set(Option<T> option, T value) {
            Objects.requireNonNull(option, "option");
            if (value == null) {
                values.remove(option.key());
                options.remove(option.key());
            } else {
                values.put(option.key(), value instanceof Map<?, ?> map ? Map.copyOf(map) : value);
                options.put(option.key(), option);
            }
            return this;
        }

        /** Every value {@code other} holds, replacing those given here. */
        public Builder setAll(Settings other) {
            values.putAll(other.values);
            options.putAll(other.options);
            return this;
        }

        public Settings build() {
            return values.isEmpty() ? EMPTY : new Settings(values, options);
        }
    }
}
