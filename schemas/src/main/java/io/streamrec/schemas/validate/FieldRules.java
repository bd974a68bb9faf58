package io.streamrec.schemas.validate;

import java.time.Clock;

/**
 * The checks shared by every record kind: ids, event times. Each check normalises what it accepts
 * and reports every fault it finds to the given {@link Violations}.
 *
 * <p>Normalisation of ids (the product's decision): surrounding whitespace is stripped, because
 * {@code " u1"} and {@code "u1"} as two users would be a silent data-quality bug; what remains is
 * taken verbatim (case is kept). Control characters, unpaired surrogates and U+FFFD (the trace of
 * bytes that were not UTF-8) inside an id are refused. An optional id that is blank means "absent"
 * and becomes null.
 */
final class FieldRules {

    private final ValidationLimits limits;
    private final Clock clock;

    FieldRules(ValidationLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** A required id: returns it stripped, or null after reporting why it is unusable. */
    String requiredId(String raw, String field, Violations out) {
        if (raw == null) {
            return null; // the reader has already said missing-field or null-field
        }
        String id = raw.strip();
        if (id.isEmpty()) {
            out.add(ViolationCode.EMPTY_FIELD, field);
            return null;
        }
        return checked(id, field, out);
    }

    /** An optional id: null or blank gives null; otherwise as {@link #requiredId}. */
    String optionalId(String raw, String field, Violations out) {
        if (raw == null) {
            return null;
        }
        String id = raw.strip();
        return id.isEmpty() ? null : checked(id, field, out);
    }

    /** An event time in epoch ms: positive and not further ahead of the clock than the allowed skew. */
    void eventTime(long epochMillis, String field, Violations out) {
        if (epochMillis <= 0) {
            out.add(ViolationCode.TIMESTAMP_NOT_POSITIVE, field, Long.toString(epochMillis));
            return;
        }
        long now = clock.millis();
        long allowed = limits.maxFutureSkew().toMillis();
        if (epochMillis - now > allowed) {
            out.add(
                    ViolationCode.TIMESTAMP_IN_FUTURE,
                    field,
                    epochMillis + " is " + (epochMillis - now) + " ms ahead of the clock (" + now + "); at most "
                            + allowed + " ms is allowed");
        }
    }

    ValidationLimits limits() {
        return limits;
    }

    private String checked(String id, String field, Violations out) {
        boolean ok = true;
        if (id.length() > limits.maxIdLength()) {
            out.add(ViolationCode.ID_TOO_LONG, field, id.length() + " > " + limits.maxIdLength());
            ok = false;
        }
        int bad = firstInvalidChar(id);
        if (bad >= 0) {
            out.add(
                    ViolationCode.INVALID_CHARACTERS,
                    field,
                    String.format("U+%04X at index %d in %s", (int) id.charAt(bad), bad, Violation.quote(id)));
            ok = false;
        }
        return ok ? id : null;
    }

    /** Index of the first control character, unpaired surrogate or U+FFFD; -1 when the id is clean. */
    static int firstInvalidChar(String id) {
        for (int i = 0, n = id.length(); i < n; i++) {
            char c = id.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\uFFFD') {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(id.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
