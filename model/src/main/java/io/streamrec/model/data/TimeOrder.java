package io.streamrec.model.data;

import io.streamrec.schemas.UserEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Puts a file's events into non-decreasing event time, keeping the file's order among equal
 * timestamps (a stable sort). Public rating and behaviour dumps are grouped by user, not by time,
 * so a replay needs this; the events are held in memory while sorting.
 */
final class TimeOrder {

    private static final Comparator<UserEvent> BY_TIME = Comparator.comparingLong(UserEvent::getTimestamp);

    private TimeOrder() {}

    static Stream<UserEvent> sorted(Stream<UserEvent> fileOrder) {
        List<UserEvent> events;
        try (fileOrder) {
            events = fileOrder.collect(Collectors.toCollection(ArrayList::new));
        }
        events.sort(BY_TIME);
        return events.stream();
    }
}
