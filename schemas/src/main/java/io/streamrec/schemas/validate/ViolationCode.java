package io.streamrec.schemas.validate;

/**
 * Every reason streamrec gives for refusing a record, with its stable wire name. The wire names are
 * the dead-letter vocabulary: dashboards and alerts group on them, so never rename one.
 */
public enum ViolationCode {
    // the payload as a whole
    EMPTY_PAYLOAD("empty-payload"),
    PAYLOAD_TOO_LARGE("payload-too-large"),
    INVALID_UTF8("invalid-utf8"),
    MALFORMED_JSON("malformed-json"),
    JSON_LIMIT_EXCEEDED("json-limit-exceeded"),
    NOT_AN_OBJECT("not-an-object"),
    MALFORMED_AVRO("malformed-avro"),
    TRAILING_DATA("trailing-data"),

    // the shape of a field
    UNKNOWN_FIELD("unknown-field"),
    DUPLICATE_FIELD("duplicate-field"),
    MISSING_FIELD("missing-field"),
    NULL_FIELD("null-field"),
    WRONG_TYPE("wrong-type"),
    NOT_AN_INTEGER("not-an-integer"),
    NUMBER_OUT_OF_RANGE("number-out-of-range"),

    // the value of a field
    EMPTY_FIELD("empty-field"),
    ID_TOO_LONG("id-too-long"),
    INVALID_CHARACTERS("invalid-characters"),
    UNKNOWN_EVENT_TYPE("unknown-event-type"),
    TIMESTAMP_NOT_POSITIVE("timestamp-not-positive"),
    TIMESTAMP_IN_FUTURE("timestamp-in-future"),
    WEIGHT_NAN("weight-nan"),
    WEIGHT_INFINITE("weight-infinite"),
    WEIGHT_NEGATIVE("weight-negative"),
    WEIGHT_TOO_LARGE("weight-too-large"),
    TOO_MANY_FEATURES("too-many-features"),
    KEY_MISMATCH("key-mismatch"),

    // refused after decoding, by the streaming job (same vocabulary, same topic)
    LATE("late"),
    DUPLICATE("duplicate"),

    // records the job itself could not write (the dead letter names the topic it was written to)
    /** Larger than the producer may send or the topic accepts; refused before it was sent. */
    RECORD_TOO_LARGE("record-too-large"),
    /** The broker refused this one record; the detail carries the broker's error and message. */
    BROKER_REFUSED("broker-refused"),

    /** A bug in streamrec, never the producer's fault: the decoder caught what it did not expect. */
    INTERNAL_ERROR("internal-error");

    private final String wireName;

    ViolationCode(String wireName) {
        this.wireName = wireName;
    }

    /** The stable lower-case name written to the dead-letter topic, e.g. {@code missing-field}. */
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
