package io.streamrec.model.encode;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads one encoder's typed settings from a flat string map (a properties file, command-line
 * {@code --set key=value} pairs), in the manner of Kafka's configs: every key has a documented
 * default, a malformed value or a misspelt key fails at start-up with a message naming the key.
 *
 * <p>Keys are prefixed with the encoder's name ({@code sdm.}, {@code sine.}); keys of other encoders
 * are ignored, so one map can configure them all.
 */
public final class EncoderSettings {

    private final String prefix;
    private final Map<String, String> own = new TreeMap<>();
    private final TreeSet<String> known = new TreeSet<>();

    public EncoderSettings(String encoderName, Map<String, String> settings) {
        this.prefix = encoderName + ".";
        settings.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                own.put(key, value);
            }
        });
    }

    public int getInt(String key, int defaultValue) {
        String raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + raw + "'", e);
        }
    }

    public double getDouble(String key, double defaultValue) {
        String raw = raw(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + raw + "'", e);
        }
    }

    /** Fails if a key with this encoder's prefix was given that no getter asked for: most often a typo. */
    public void rejectUnknown() {
        TreeSet<String> unknown = new TreeSet<>(own.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting(s) " + unknown + "; the settings of '"
                    + prefix.substring(0, prefix.length() - 1) + "' are " + known);
        }
    }

    private String raw(String key) {
        if (!key.startsWith(prefix)) {
            throw new IllegalArgumentException("setting " + key + " does not start with " + prefix);
        }
        known.add(key);
        return own.get(key);
    }
}
