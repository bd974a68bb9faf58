/**
 * Dynamic vocabularies: string ids to embedding rows, growing to a capacity, then evicting the
 * coldest id (least recently seen by training step) and logging it as a tombstone for the next delta.
 * No hashing, so no two ids ever share a row.
 */
package io.streamrec.model.vocab;
