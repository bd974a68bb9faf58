package io.streamrec.flink.state;

import io.streamrec.schemas.SourcedEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
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
 * comparison (a priority queue of events would cost a sift per event on each side).
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

    /** One user's events due at a watermark, in the order to apply them. */
    record DueUser(String userId, int keyGroup, List<SourcedEvent> events) {}

    /**
     * The order of RocksDB's keys for a String-keyed state within one key group (the key's prefix), close
     * enough for locality: Flink's {@code StringSerializer} form, a length before the characters. Written
     * out rather than chained from {@code Comparator.comparingInt}: the chained lambdas took a tenth of the
     * operator's thread at 13k users per watermark.
     */
    private static final Comparator<DueUser> KEY_ORDER_WITHIN_GROUP = (a, b) -> {
        int lengthA = a.userId().length();
        int lengthB = b.userId().length();
        return lengthA != lengthB
                ? Integer.compare(lengthA, lengthB)
                : a.userId().compareTo(b.userId());
    };

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
     * The event time by which at least {@code count} of the earliest events are waiting (all of them when
     * fewer wait); only when not empty. Taking up to it takes whole milliseconds, so possibly more.
     */
    long timeCoveringEarliest(int count) {
        int covered = 0;
        long time = byTime.firstKey();
        for (Map.Entry<Long, ArrayList<Waiting>> bucket : byTime.entrySet()) {
            time = bucket.getKey();
            covered += bucket.getValue().size();
            if (covered >= count) {
                break;
            }
        }
        return time;
    }

    /**
     * Removes every event at or before {@code time}, grouped by user, each user's events in (event time,
     * arrival) order. Users come in the order RocksDB stores their state (key group, then
     * {@link #KEY_ORDER_WITHIN_GROUP}): the memtable's skip list starts each insert from where the previous
     * one went, so state written in key order costs a few node visits per insert instead of a search from
     * the top, and reads of neighbouring users share index and data blocks.
     */
    List<DueUser> takeUpTo(long time) {
        Map<String, DueUser> byUser = new HashMap<>();
        while (!byTime.isEmpty() && byTime.firstKey() <= time) {
            List<Waiting> bucket = byTime.pollFirstEntry().getValue();
            size -= bucket.size();
            for (Waiting waiting : bucket) {
                SourcedEvent event = waiting.event();
                byUser.computeIfAbsent(
                                event.getEvent().getUserId(),
                                user -> new DueUser(user, waiting.keyGroup(), new ArrayList<>(2)))
                        .events()
                        .add(event);
            }
        }
        return inStorageOrder(byUser.values());
    }

    /**
     * A counting sort by key group, then a sort of each group's few users: half the comparisons of one
     * sort of all users, each of which touches two users' strings.
     */
    private List<DueUser> inStorageOrder(Collection<DueUser> users) {
        int[] groupStart = new int[maxParallelism + 1];
        for (DueUser user : users) {
            groupStart[user.keyGroup() + 1]++;
        }
        for (int group = 0; group < maxParallelism; group++) {
            groupStart[group + 1] += groupStart[group];
        }
        DueUser[] sorted = new DueUser[users.size()];
        int[] next = Arrays.copyOf(groupStart, maxParallelism);
        for (DueUser user : users) {
            sorted[next[user.keyGroup()]++] = user;
        }
        for (int group = 0; group < maxParallelism; group++) {
            if (groupStart[group + 1] - groupStart[group] > 1) {
                Arrays.sort(sorted, groupStart[group], groupStart[group + 1], KEY_ORDER_WITHIN_GROUP);
            }
        }
        return Arrays.asList(sorted);
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

    /** Every waiting event, in (event time, arrival) order. */
    void forEachInOrder(Consumer<SourcedEvent> action) {
        for (List<Waiting> bucket : byTime.values()) {
            for (Waiting waiting : bucket) {
                action.accept(waiting.event());
            }
        }
    }

    /** Adds the events of a key group taken by {@link #byKeyGroup}; returns how many. */
    int restore(WaitingKeyGroup group) {
        for (Waiting waiting : group.events()) {
            add(waiting.arrival(), waiting.event());
            arrivals = Math.max(arrivals, waiting.arrival() + 1);
        }
        return group.events().size();
    }
}
