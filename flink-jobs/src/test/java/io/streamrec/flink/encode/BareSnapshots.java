package io.streamrec.flink.encode;

import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.LongTermFeatures;
import java.util.List;

/** Feature snapshots that carry only a user and an event id, for the tests of the encoder's waiting queues. */
final class BareSnapshots {

    private BareSnapshots() {}

    static FeatureSnapshot snapshot(String user, String eventId) {
        return FeatureSnapshot.newBuilder()
                .setUserId(user)
                .setEventId(eventId)
                .setEventTime(0)
                .setSession(List.of())
                .setLongTerm(LongTermFeatures.newBuilder().build())
                .setSessionStart(0)
                .build();
    }

    static List<String> eventIds(List<FeatureSnapshot> snapshots) {
        return snapshots.stream().map(FeatureSnapshot::getEventId).toList();
    }
}
