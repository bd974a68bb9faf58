package io.streamrec.launcher.deploy;

import java.util.Objects;

/**
 * One thing wrong with a deployment file: where (the file, the line when known, the object it belongs to and the
 * field's path inside it) and what to change.
 *
 * @param file the file as the user named it (relative to where they pointed the check)
 * @param line 1-based line of the field, 0 when unknown
 * @param object {@code Kind/name} of the object, or empty for a whole file
 * @param field dotted path of the field inside the object ({@code spec.template.spec.containers[0].image}), or empty
 * @param message what is wrong and, where it can say, what to write instead
 */
public record Problem(String file, int line, String object, String field, String message) {

    public Problem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line);
        }
        s.append(": ");
        if (!object.isEmpty()) {
            s.append(object).append(": ");
        }
        if (!field.isEmpty()) {
            s.append(field).append(": ");
        }
        return s.append(message).toString();
    }
}
