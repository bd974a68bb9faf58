package io.streamrec.flink.state;

import java.util.Collections;
import java.util.List;

/**
 * The events of one key group that wait for the watermark when a checkpoint is taken, with their arrival
 * numbers, in (event time, arrival) order. Taken on the task thread and then serialized on the
 * checkpoint's asynchronous thread, so it is never changed once built, and neither are its events.
 */
record WaitingKeyGroup(int keyGroup, List<WaitingEvents.Waiting> events) {
    WaitingKeyGroup {
        events = Collections.unmodifiableList(events);
    }
}
