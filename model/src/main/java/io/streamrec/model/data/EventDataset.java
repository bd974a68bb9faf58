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
}
