package io.streamrec.schemas.ingest;

import io.streamrec.schemas.validate.Violation;
import java.util.List;
import java.util.Objects;

/**
 * Either a valid, normalised record or every reason it was refused; never both.
 *
 * @param <T> the record kind
 */
public final class DecodeResult<T> {

    private final T value;
    private final List<Violation> violations;

    private DecodeResult(T value, List<Violation> violations) {
        this.value = value;
        this.violations = violations;
    }

    public static <T> DecodeResult<T> valid(T value) {
        return new DecodeResult<>(Objects.requireNonNull(value, "value"), List.of());
    }

    public static <T> DecodeResult<T> invalid(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("An invalid result needs at least one violation");
        }
        return new DecodeResult<>(null, List.copyOf(violations));
    }

    public boolean isValid() {
        return value != null;
    }

    /** @throws IllegalStateException with the reasons, when the record was refused */
    public T value() {
        if (value == null) {
            throw new IllegalStateException("The record was refused: " + violations);
        }
        return value;
    }

    /** Every reason, in the order found; empty when valid. */
    public List<Violation> violations() {
        return violations;
    }

    @Override
    public String toString() {
        return isValid() ? "valid " + value : "invalid " + violations;
    }
}
