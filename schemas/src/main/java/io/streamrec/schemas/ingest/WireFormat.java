package io.streamrec.schemas.ingest;

/** How the values on an input topic are written. */
public enum WireFormat {
    /** Natural JSON, one object per record, UTF-8. */
    JSON,
    /** Avro binary of the record's schema, without container or schema-registry prefix. */
    AVRO
}
