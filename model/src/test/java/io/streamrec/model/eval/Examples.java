package io.streamrec.model.eval;

import io.streamrec.model.data.EventDataset;
import io.streamrec.model.history.HistoryPolicy;
import io.streamrec.schemas.UserEvent;
import io.streamrec.schemas.UserProfile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Small hand-written event logs turned into evaluation data through the real history rules. */
public final class Examples {

    private final List<UserEvent> events = new ArrayList<>();

    /** A view of {@code item} by {@code user} at {@code minute} minutes into the log. */
    public Examples add(String user, String item, int minute) {
        events.add(UserEvent.newBuilder()
                .setEventId(user + "-" + item + "-" + minute)
                .setUserId(user)
                .setItemId(item)
                .setEventType("view")
                .setTimestamp(1_700_000_000_000L + minute * 60_000L)
                .build());
        return this;
    }

    public EvaluationData data() {
        List<UserEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(UserEvent::getTimestamp));
        EventDataset dataset = new EventDataset() {
            @Override
            public String name() {
                return "hand-written";
            }

            @Override
            public Stream<UserEvent> events() {
                return sorted.stream();
            }

            @Override
            public List<UserProfile> profiles() {
                return List.of();
            }
        };
        try {
            return EvaluationData.replay(dataset, HistoryPolicy.defaults());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
