package io.streamrec.model.vocab;

/**
 * An id that lost its row: evicted as the coldest to make room, or removed on a consumer's tombstone.
 *
 * @param id   the id that no longer has a row
 * @param row  the row it held (already reused by another id, or free)
 * @param step the training step at which it was evicted
 */
public record Eviction(String id, int row, long step) {}
