package io.streamrec.flink.state;

import io.streamrec.model.history.UserHistory;
import io.streamrec.schemas.SourcedEvent;

/**
 * One element of a user's keyed state list: the user's history, or an event waiting for the watermark.
 * Keeping both in one RocksDB list lets an arriving event be appended with a write-only merge, and a
 * timer read the history and every waiting event with a single lookup.
 */
public sealed interface UserStateEntry permits UserStateEntry.History, UserStateEntry.Waiting {

    /** The user's history; at most one per user. */
    record History(UserHistory history) implements UserStateEntry {}

    /** An accepted event not yet applied, in arrival order among the other waiting ones. */
    record Waiting(SourcedEvent event) implements UserStateEntry {}
}
