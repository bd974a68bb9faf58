package io.streamrec.schemas.validate;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the violations found in one record while it is read and checked. Not thread-safe: one
 * instance per record. A good record allocates nothing here.
 */
public final class Violations {

    private List<Violation> found;

    public void add(ViolationCode code, String field, String detail) {
        if (found == null) {
            found = new ArrayList<>(4);
        }
        found.add(new Violation(code, field, detail));
    }

    public void add(ViolationCode code, String field) {
        add(code, field, null);
    }

    public void add(ViolationCode code) {
        add(code, null, null);
    }

    public boolean isEmpty() {
        return found == null;
    }

    /** True when a violation already names this field, so later checks do not pile a second reason on it. */
    public boolean concerns(String field) {
        if (found == null) {
            return false;
        }
        for (Violation v : found) {
            if (field.equals(v.field())) {
                return true;
            }
        }
        return false;
    }

    /** An unmodifiable copy, in the order found. */
    public List<Violation> toList() {
        return found == null ? List.of() : List.copyOf(found);
    }

    @Override
    public String toString() {
        return toList().toString();
    }
}
