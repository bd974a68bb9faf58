package io.streamrec.model.sync;

/**
 * Why a record on {@code model-updates} was not applied. Every consumer keeps the last good model when it refuses
 * one, counts the refusal by {@link Reason} and logs it ({@link UpdateRefusalLog}).
 *
 * @param reason the kind of bad input, for metrics
 * @param detail what exactly was wrong, naming the version and the part that failed
 */
public record UpdateRefusal(Reason reason, String detail) {

    /** The kinds of bad update, each with the label its metrics and logs carry. */
    public enum Reason {
        /** Bytes that are not a {@code ModelUpdate}, or a chunk whose header contradicts itself or its siblings. */
        CORRUPT("corrupt"),
        /** A version whose chunks never all arrived: a newer version made it obsolete first. */
        TRUNCATED("truncated"),
        /**
         * An update of another model under this model's name: a spec of another encoder, a spec this build cannot
         * make, or parameters, features or widths the model held here does not have.
         */
        FOREIGN_MODEL("foreign-model"),
        /** A version older than one already applied: versions only go forward. */
        STALE_VERSION("stale-version"),
        /** Values that must not reach a model: NaN or infinite weights, shapes that do not match, empty ids. */
        INVALID_VALUES("invalid-values");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The name in metrics and logs. */
        public String label() {
            return label;
        }
    }

    public UpdateRefusal {
        if (reason == null || detail == null) {
            throw new NullPointerException("a refusal has a reason and a detail");
        }
    }

    /** "[truncated] FULL version 7 ...". */
    @Override
    public String toString() {
        return "[" + reason.label() + "] " + detail;
    }
}
