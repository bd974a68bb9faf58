package io.streamrec.model.data;

import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

/**
 * A source of behaviour events for replay, offline training and evaluation: a file-backed dataset
 * or the synthetic generator.
 */
public interface EventDataset {

    /** A short name for progress output and reports, e.g. {@code ml-latest-small}. */
    String name();

    /**
     * Every event in non-decreasing event time (ties keep the file's order). Each call starts
     * over. The caller closes the stream.
     */
    Stream<UserEvent> events() throws IOException;

    /** User profiles, if the dataset has any (MovieLens 1M's users.dat); empty otherwise. */
    List<UserProfile> profiles() throws IOException;

    /** This dataset cut to its first {@code count} events in event time, under the same name. */
    default EventDataset limitedTo(long count) {
        if (count < 1) {
            throw new IllegalArgumentException("a dataset limit must be at least 1 event, got " + count);
        }
        EventDataset whole = this;
        return new EventDataset() {
            @Override
            public String name() {
                return whole.name();
            }

            @Override
            public Stream<UserEvent> events() throws IOException {
                return whole.events().limit(count);
            }

            @Override
            public List<UserProfile> profiles() throws IOException {
                return whole.profiles();
            }
        };
    }
}
