package io.streamrec.serving;

/** A request the service answers with an error: the HTTP status, a stable error code and a detail for people. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String error;

    public ApiException(int status, String error, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** A short stable code, e.g. {@code unknown-user}. */
    public String error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }

    public static ApiException badRequest(String error, String detail) {
        return new ApiException(400, error, detail);
    }

    public static ApiException notFound(String error, String detail) {
        return new ApiException(404, error, detail);
    }

    public static ApiException unavailable(String detail) {
        return new ApiException(503, "not-ready", detail);
    }
}
