package io.streamrec.model.sync;

/** Thrown where an update is refused, carrying why; an {@link IllegalArgumentException} for callers that need no more. */
public final class RefusedUpdateException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient UpdateRefusal refusal;

    public RefusedUpdateException(UpdateRefusal refusal) {
        this(refusal, null);
    }

    public RefusedUpdateException(UpdateRefusal refusal, Throwable cause) {
        super(refusal.detail(), cause);
        this.refusal = refusal;
    }

    public RefusedUpdateException(UpdateRefusal.Reason reason, String detail) {
        this(new UpdateRefusal(reason, detail));
    }

    public UpdateRefusal refusal() {
        return refusal;
    }

    /** The refusal {@code e} carries, or one of {@code otherwise} with its message. */
    static UpdateRefusal of(RuntimeException e, UpdateRefusal.Reason otherwise, String context) {
        if (e instanceof RefusedUpdateException refused) {
            return refused.refusal();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new UpdateRefusal(otherwise, context + message);
    }
}
