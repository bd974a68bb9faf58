package io.streamrec.schemas.validate;

/**
 * The semantic rules of one record kind, applied after the payload has been read into a record.
 * An implementation normalises the record in place and reports every fault; it must not throw.
 *
 * @param <T> the record kind
 */
public interface RecordRules<T> {

    /**
     * Checks and normalises {@code record}. Fields the reader has already faulted (left null) are
     * skipped, so each fault is reported once.
     */
    void check(T record, Violations out);

    /** The record's user id after {@link #check}, to compare with the Kafka key; null if unusable. */
    String userIdOf(T record);
}
