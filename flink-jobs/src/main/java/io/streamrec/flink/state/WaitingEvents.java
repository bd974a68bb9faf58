package io.streamrec.flink.state;

import io.streamrec.schemas.SourcedEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * One subtask's accepted events waiting for the watermark, on the heap, in (event time, arrival) order.
 *
 * <p>Why the heap and not keyed state: every waiting event is applied within the allowed lateness
 * (seconds), so the buffer holds about {@code rate × lateness} events, while keeping them in RocksDB
 * cost a merge and a timer per event, several times the work of applying it. The operator bounds the
 * buffer and checkpoints it per key group ({@link #byKeyGroup}), so it rescales with the keys.
 *
 * <p>Events are bucketed by their millisecond: a busy stream has tens of events per millisecond, so the
 * sorted map orders buckets, not events, and an event joins its bucket in arrival order without a
 * comparison (a priority queue of events cost a sift per event on each side, about 8 % of the operator).
 *
 * <p>Not thread-safe: the task thread owns it.
 */
final class WaitingEvents {
    private final TreeMap<Long, ArrayList<Waiting>> byTime = new TreeMap<>();
    private final int maxParallelism;
    private int size;
    private long arrivals;

    /**
     * A waiting event with its arrival number, which orders events of the same millisecond, and its
     * user's key group, computed once rather than at every checkpoint the event waits through.
     */
    record Waiting(long arrival, int keyGroup, SourcedEvent event) {}

    /** {@code maxParallelism}: the job's, which assigns users to key groups for {@link #byKeyGroup}. */
    WaitingEvents(int maxParallelism) {
        this.maxParallelism = maxParallelism;
    }

    void add(SourcedEvent event) {
        add(arrivals++, event);
    }

    private void add(long arrival, SourcedEvent event) {
        int keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(event.getEvent().getUserId(), maxParallelism);
        ArrayList<Waiting> bucket = bucket(event.getEvent().getTimestamp());
        int at = bucket.size();
        while (at > 0 && bucket.get(at - 1).arrival() > arrival) { // only on restore, where key groups interleave
            at--;
        }
        bucket.add(at, new Waiting(arrival, keyGroup, event));
        size++;
    }

    private ArrayList<Waiting> bucket(long time) {
        return byTime.computeIfAbsent(time, t -> new ArrayList<>(4));
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Event time of the earliest waiting event; only when not empty. */
    long earliestTime() {
        return byTime.firstKey();
    }

    /**
     * Removes every event at or before {@code time}, grouped by user. Each user's events keep (event time,
     * arrival) order, and users come in the order of their earliest due event.
     */
    Map<String, List<SourcedEvent>> takeUpTo(long time) {
        Map<String, List<SourcedEvent>> byUser = new LinkedHashMap<>();
        while (!byTime.isEmpty() && byTime.firstKey() <= time) {
            List<Waiting> bucket = byTime.pollFirstEntry().getValue();
            size -= bucket.size();
            for (Waiting waiting : bucket) {
                SourcedEvent event = waiting.event();
                byUser.computeIfAbsent(event.getEvent().getUserId(), user -> new ArrayList<>(2)).add(event);
            }
        }
        return byUser;
    }

    /**
     * The waiting events grouped by key group, for a checkpoint: only groups with events, each list in
     * (event time, arrival) order, with the arrival numbers so that a restored buffer orders events of
     * equal time as this one did. The groups are new lists sharing the (never changed) waiting events, so
     * the checkpoint can write them on another thread while this buffer moves on.
     */
    List<WaitingKeyGroup> byKeyGroup() {
        @SuppressWarnings("unchecked")
        List<Waiting>[] groups = new List[maxParallelism];
        for (List<Waiting> bucket : byTime.values()) {
            for (Waiting waiting : bucket) {
                List<Waiting> group = groups[waiting.keyGroup()];
                if (group == null) {
                    group = new ArrayList<>();
                    groups[waiting.keyGroup()] = group;
                }
                group.add(waiting);
            }
        }
        List<WaitingKeyGroup> taken = new ArrayList<>();
        for (int keyGroup = 0; keyGroup < groups.length; keyGroup++) {
            if (groups[keyGroup] != null) {
                taken.add(new WaitingKeyGroup(keyGroup, groups[keyGroup]));
            }
        }
        return taken;
    }

    /** Adds the events of a key group taken by {@link #byKeyGroup}; returns how many. */
    int restore(WaitingKeyGroup group) {
        for (Waiting waiting : group.events()) {
            add(waiting.arrival(), waiting.event());
            arrivals = Math.max(arrivals, waiting.arrival() + 1);
        }
        return group.events().size();
    }

    /**
     * Adds one key group's events as builds before the operator-state checkpoint of the buffer wrote
     * them, to raw keyed state (an int byte count, then per event its arrival number and its
     * {@link WaitingEventSerializer} record); returns how many. Key groups interleave in arrival order,
     * so each event takes its place in its bucket by arrival number.
     */
    int readRawKeyGroup(DataInputView in) throws IOException {
        byte[] block = new byte[in.readInt()];
        in.readFully(block);
        DataInputDeserializer events = new DataInputDeserializer(block);
        int count = 0;
        while (events.available() > 0) {
            long arrival = events.readLong();
            add(arrival, WaitingEventSerializer.INSTANCE.deserialize(events));
            arrivals = Math.max(arrivals, arrival + 1);
            count++;
        }
        return count;
    }
}
