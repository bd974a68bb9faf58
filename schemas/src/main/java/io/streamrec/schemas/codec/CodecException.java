package io.streamrec.schemas.codec;

import io.streamrec.schemas.validate.Violation;
import java.util.List;

/** Bytes that cannot be decoded into the expected record, with every reason found. */
public final class CodecException extends RuntimeException {

    private final transient List<Violation> violations;

    public CodecException(String recordName, List<Violation> violations) {
        super("Cannot decode " + recordName + ": " + violations);
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
