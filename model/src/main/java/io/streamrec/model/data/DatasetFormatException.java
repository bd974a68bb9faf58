package io.streamrec.model.data;

import java.nio.file.Path;

/**
 * A dataset file that cannot be read as configured: a bad row, a missing column, an unknown
 * event type. The message names the file, the line and the column so the row can be fixed or the
 * column mapping corrected.
 */
public class DatasetFormatException extends RuntimeException {

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    static DatasetFormatException badValue(
            Path file, long line, Column column, String role, String value, String problem) {
        return new DatasetFormatException(String.format(
                "%s line %d, column %s (%s): '%s' %s; fix the row or the column mapping",
                file.getFileName(), line, column, role, value, problem));
    }
}
