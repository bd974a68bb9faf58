package io.streamrec.flink.state;

import io.streamrec.schemas.SourcedEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyedStateCheckpointOutputStream;

/**
 * One subtask's accepted events waiting for the watermark, on the heap, in (event time, arrival) order.
 *
 * <p>Why the heap and not keyed state: every waiting event is applied within the allowed lateness
 * (seconds), so the buffer holds about {@code rate × lateness} events, while keeping them in RocksDB
 * cost a merge and a timer per event, several times the work of applying it. The operator bounds the
 * buffer and checkpoints it per key group ({@link #writeTo}), so it rescales with the keys.
 *
 * <p>Not thread-safe: the task thread owns it.
 */
final class WaitingEvents {
    private final PriorityQueue<Waiting> queue = new PriorityQueue<>();
    private long arrivals;

    /** A waiting event; compared with primitives, since the queue orders every event twice. */
    private static final class Waiting implements Comparable<Waiting> {
        final long time;
        final long arrival;
        final SourcedEvent event;

        Waiting(long time, long arrival, SourcedEvent event) {
            this.time = time;
            this.arrival = arrival;
            this.event = event;
        }

        @Override
        public int compareTo(Waiting other) {
            return time != other.time ? Long.compare(time, other.time) : Long.compare(arrival, other.arrival);
        }
    }

    void add(SourcedEvent event) {
        queue.add(new Waiting(event.getEvent().getTimestamp(), arrivals++, event));
    }

    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Event time of the earliest waiting event; only when not empty. */
    long earliestTime() {
        return queue.element().time;
    }

    /**
     * Removes every event at or before {@code time}, grouped by user. Each user's events keep (event time,
     * arrival) order, and users come in the order of their earliest due event.
     */
    Map<String, List<SourcedEvent>> takeUpTo(long time) {
        Map<String, List<SourcedEvent>> byUser = new LinkedHashMap<>();
        while (!queue.isEmpty() && queue.element().time <= time) {
            SourcedEvent event = queue.remove().event;
            byUser.computeIfAbsent(event.getEvent().getUserId(), user -> new ArrayList<>(2)).add(event);
        }
        return byUser;
    }

    /**
     * Writes every waiting event to {@code out}, one block per key group of this subtask (key groups by
     * Flink's assignment for {@code maxParallelism}). Each event keeps its arrival number, so a restored
     * buffer orders events of equal time as this one did, without sorting here.
     */
    void writeTo(KeyedStateCheckpointOutputStream out, int maxParallelism) throws IOException {
        Map<Integer, DataOutputSerializer> blocks = new HashMap<>();
        for (Waiting waiting : queue) {
            int keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(waiting.event.getEvent().getUserId(), maxParallelism);
            DataOutputSerializer block = blocks.computeIfAbsent(keyGroup, group -> new DataOutputSerializer(4096));
            block.writeLong(waiting.arrival);
            WaitingEventSerializer.INSTANCE.serialize(waiting.event, block);
        }
        DataOutputViewStreamWrapper view = new DataOutputViewStreamWrapper(out);
        for (int keyGroup : out.getKeyGroupList()) {
            out.startNewKeyGroup(keyGroup);
            DataOutputSerializer block = blocks.get(keyGroup);
            view.writeInt(block == null ? 0 : block.length());
            if (block != null) {
                view.write(block.getSharedBuffer(), 0, block.length());
            }
        }
    }

    /** Adds one key group's events written by {@link #writeTo}; returns how many. */
    int readKeyGroup(DataInputView in) throws IOException {
        byte[] block = new byte[in.readInt()];
        in.readFully(block);
        DataInputDeserializer events = new DataInputDeserializer(block);
        int count = 0;
        while (events.available() > 0) {
            long arrival = events.readLong();
            SourcedEvent event = WaitingEventSerializer.INSTANCE.deserialize(events);
            queue.add(new Waiting(event.getEvent().getTimestamp(), arrival, event));
            arrivals = Math.max(arrivals, arrival + 1);
            count++;
        }
        return count;
    }
}
