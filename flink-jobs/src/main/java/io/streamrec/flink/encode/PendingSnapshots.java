package io.streamrec.flink.encode;

import io.streamrec.schemas.FeatureSnapshot;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The snapshots an encoder keeps while it holds no model, bounded.
 *
 * <p>Below the bound every snapshot is kept, in arrival order. On reaching it the buffer keeps only each user's
 * latest snapshot from then on: {@code user-vectors} is compacted by user, so an older vector of the same user would
 * be overwritten anyway. If the distinct users alone exceed the bound, the user not seen for longest is dropped
 * ({@link #dropped()} counts them); that user gets a vector again at their next event.
 */
final class PendingSnapshots {

    private final int capacity;
    private List<FeatureSnapshot> inArrivalOrder = new ArrayList<>();
    /** Non-null once the bound was reached: latest snapshot per user, least recently updated first. */
    private LinkedHashMap<String, FeatureSnapshot> latestPerUser;

    private long dropped;

    PendingSnapshots(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    void add(FeatureSnapshot snapshot) {
        if (latestPerUser == null && inArrivalOrder.size() < capacity) {
            inArrivalOrder.add(snapshot);
            return;
        }
        if (latestPerUser == null) {
            latestPerUser = new LinkedHashMap<>();
            inArrivalOrder.forEach(this::keepLatest);
            inArrivalOrder = new ArrayList<>();
        }
        keepLatest(snapshot);
    }

    private void keepLatest(FeatureSnapshot snapshot) {
        latestPerUser.remove(snapshot.getUserId());
        latestPerUser.put(snapshot.getUserId(), snapshot);
        if (latestPerUser.size() > capacity) {
            Iterator<Map.Entry<String, FeatureSnapshot>> oldest =
                    latestPerUser.entrySet().iterator();
            oldest.next();
            oldest.remove();
            dropped++;
        }
    }

    int size() {
        return latestPerUser == null ? inArrivalOrder.size() : latestPerUser.size();
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** Snapshots lost because more distinct users waited than the bound allows. */
    long dropped() {
        return dropped;
    }

    /** The kept snapshots, oldest first, without removing them (for a checkpoint). */
    List<FeatureSnapshot> view() {
        return latestPerUser == null ? List.copyOf(inArrivalOrder) : List.copyOf(latestPerUser.values());
    }

    /** Removes and returns the kept snapshots, oldest first; the buffer starts over below its bound. */
    List<FeatureSnapshot> drain() {
        List<FeatureSnapshot> all = view();
        inArrivalOrder = new ArrayList<>();
        latestPerUser = null;
        return all;
    }
}
