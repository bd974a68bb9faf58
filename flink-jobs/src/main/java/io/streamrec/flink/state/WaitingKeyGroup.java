package io.streamrec.flink.state;

import io.streamrec.schemas.SourcedEvent;
import java.util.List;

/**
 * The events of one key group that wait for the watermark when a checkpoint is taken, each with its
 * arrival number, in (event time, arrival) order. Taken on the task thread and then serialized on the
 * checkpoint's asynchronous thread, so it is never changed once built, and neither are its events.
 */
record WaitingKeyGroup(int keyGroup, List<Arrival> events) {
    WaitingKeyGroup {
        events = List.copyOf(events);
    }

    /** An event and the arrival number that orders it among events of the same millisecond. */
    record Arrival(long arrival, SourcedEvent event) {}
}
