package io.streamrec.config;

import java.util.List;

/** Every problem of a configuration, each saying what to change; thrown before anything starts. */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidConfigException(String what, List<String> problems) {
        super("Invalid " + what + ":\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as one sentence. */
    public List<String> problems() {
        return problems;
    }
}
