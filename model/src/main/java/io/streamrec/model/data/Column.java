package io.streamrec.model.data;

import java.util.List;
import java.util.Objects;

/**
 * One column of a delimited file, by zero-based position or by header name. A named column is
 * resolved against the header row, so it needs a file with a header.
 */
public record Column(int index, String name) {

    public Column {
        if (name == null && index < 0) {
            throw new IllegalArgumentException("a column index must be >= 0 (columns count from 0), got " + index);
        }
    }

    public static Column at(int index) {
        return new Column(index, null);
    }

    public static Column named(String name) {
        return new Column(-1, Objects.requireNonNull(name, "name"));
    }

    /** Parses a column reference as written in options: digits are a position, anything else a header name. */
    public static Column parse(String spec) {
        String s = spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty column reference; give a zero-based position or a header name");
        }
        return s.chars().allMatch(Character::isDigit) ? at(Integer.parseInt(s)) : named(s);
    }

    public boolean isNamed() {
        return name != null;
    }

    /** This column's position in rows with the given header (null when the file has none). */
    int resolve(List<String> header) {
        if (!isNamed()) {
            return index;
        }
        if (header == null) {
            throw new DatasetFormatException("column '" + name + "' is given by name but the file has no header; "
                    + "give its zero-based position instead or set header=true");
        }
        int i = header.indexOf(name);
        if (i < 0) {
            throw new DatasetFormatException("no column named '" + name + "' in the header " + header);
        }
        return i;
    }

    @Override
    public String toString() {
        return isNamed() ? "'" + name + "'" : "index " + index;
    }
}
