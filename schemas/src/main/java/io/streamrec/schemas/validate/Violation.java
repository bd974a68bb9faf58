package io.streamrec.schemas.validate;

import java.util.Objects;

/**
 * One precise reason a record was refused.
 *
 * <p>{@link #reason()} is the stable part, {@code code} or {@code code:field} (for example
 * {@code missing-field:userId}), fit for grouping and alerting. {@link #toString()} adds the
 * detail for humans: {@code id-too-long:itemId: 300 > 256}.
 *
 * @param code   what kind of fault
 * @param field  the field it concerns, dotted for nested ones ({@code features.age}); null when it
 *               concerns the whole payload
 * @param detail what exactly was found; null when the reason says it all
 */
public record Violation(ViolationCode code, String field, String detail) {

    /** Longest piece of producer text echoed back in a detail; the rest is elided so a 10 MB id cannot flood the DLQ. */
    static final int MAX_ECHOED_CHARS = 64;

    public Violation {
        Objects.requireNonNull(code, "code");
    }

    public static Violation of(ViolationCode code) {
        return new Violation(code, null, null);
    }

    public static Violation of(ViolationCode code, String field) {
        return new Violation(code, field, null);
    }

    public static Violation of(ViolationCode code, String field, String detail) {
        return new Violation(code, field, detail);
    }

    /** {@code code} or {@code code:field}: stable across occurrences. */
    public String reason() {
        return field == null ? code.wireName() : code.wireName() + ':' + field;
    }

    /** {@code code}, {@code code:field} or either followed by {@code ": detail"}. */
    @Override
    public String toString() {
        return detail == null ? reason() : reason() + ": " + detail;
    }

    /**
     * Producer text made safe to echo in a reason: quoted, control characters escaped, and cut to
     * {@value #MAX_ECHOED_CHARS} characters with the full length noted.
     */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        int shown = Math.min(text.length(), MAX_ECHOED_CHARS);
        StringBuilder out = new StringBuilder(shown + 24).append('"');
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\uFFFD') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (shown < text.length()) {
            out.append("… (").append(text.length()).append(" chars)");
        }
        return out.toString();
    }

    /** A field name taken from the payload itself (an unknown one), made safe to use as {@link #field()}. */
    public static String fieldName(String name) {
        String quoted = quote(name);
        boolean plain = quoted.length() == name.length() + 2;
        for (int i = 0; plain && i < name.length(); i++) {
            char c = name.charAt(i);
            plain = c != ':' && c != ' ' && c != '"';
        }
        return plain ? name : quoted;
    }
}
