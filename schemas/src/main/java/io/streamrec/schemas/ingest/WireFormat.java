package io.streamrec.schemas.ingest;

import java.util.Arrays;
import java.util.Locale;

/** How the values on an input topic are written. */
public enum WireFormat {
    /** Natural JSON, one object per record, UTF-8. */
    JSON,
    /** Avro binary of the record's schema, without container or schema-registry prefix. */
    AVRO;

    /**
     * The format named in configuration ({@code json} or {@code avro}, any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static WireFormat parse(String name) {
        for (WireFormat f : values()) {
            if (f.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown wire format '" + name + "'; use one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ".");
    }
}
