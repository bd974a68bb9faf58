package io.streamrec.flink.encode;

import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The snapshots of users who asked for more than their share of a batch, waiting for room in later batches.
 *
 * <p>Each user's snapshots stay in the order they came. Users take turns: {@link #takeInto} gives each at most its
 * share per turn and sends a user with more to the back. Up to {@code bound} snapshots every one is kept, so every
 * event still gets its vector, only later. Past the bound, the queue of a user who adds one more collapses to that
 * newest snapshot: {@code user-vectors} is compacted by user, so the older vectors would be overwritten by the newer
 * one anyway. This keeps a user who sends a burst (a bot, a bulk import) from costing the encoder one forward pass per
 * event while other users wait; {@link #superseded()} counts the snapshots so dropped.
 */
final class DeferredSnapshots {

    private final int bound;
    /** Users in turn order, each with its snapshots oldest first; never an empty queue. */
    private final LinkedHashMap<String, ArrayDeque<FeatureSnapshot>> byUser = new LinkedHashMap<>();

    private int size;
    private long superseded;

    DeferredSnapshots(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("bound must be at least 1, got " + bound);
        }
        this.bound = bound;
    }

    /** Whether {@code userId} has snapshots waiting here: its next ones must wait behind them. */
    boolean holds(String userId) {
        return byUser.containsKey(userId);
    }

    void add(FeatureSnapshot snapshot) {
        ArrayDeque<FeatureSnapshot> queue = byUser.computeIfAbsent(snapshot.getUserId(), user -> new ArrayDeque<>());
        if (size >= bound && !queue.isEmpty()) {
            superseded += queue.size();
            size -= queue.size();
            queue.clear();
        }
        queue.add(snapshot);
        size++;
    }

    /**
     * Moves at most {@code max} snapshots to {@code batch}, at most {@code perUser} of each user per turn, oldest
     * first within a user; a user with more left goes to the back of the turn order.
     */
    void takeInto(List<FeatureSnapshot> batch, int max, int perUser) {
        int left = max;
        while (left > 0 && !byUser.isEmpty()) {
            Iterator<Map.Entry<String, ArrayDeque<FeatureSnapshot>>> first =
                    byUser.entrySet().iterator();
            Map.Entry<String, ArrayDeque<FeatureSnapshot>> user = first.next();
            ArrayDeque<FeatureSnapshot> queue = user.getValue();
            for (int n = Math.min(perUser, left); n > 0 && !queue.isEmpty(); n--, left--, size--) {
                batch.add(queue.poll());
            }
            first.remove();
            if (!queue.isEmpty()) {
                byUser.put(user.getKey(), queue);
            }
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Snapshots dropped because a newer one of the same user came while more than {@code bound} waited. */
    long superseded() {
        return superseded;
    }

    /** The waiting snapshots, each user's in order, without removing them (for a checkpoint). */
    List<FeatureSnapshot> view() {
        List<FeatureSnapshot> all = new ArrayList<>(size);
        byUser.values().forEach(all::addAll);
        return all;
    }
}
