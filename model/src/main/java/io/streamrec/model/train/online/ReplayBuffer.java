package io.streamrec.model.train.online;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The most recent {@code capacity} trained examples, in a ring, for training again when the trainer has spare
 * capacity and as a source of cross-batch negatives. Draws are uniform over what the ring holds, so replayed
 * examples and negatives come from many users even when the fresh ones come in one user's burst. Not
 * thread-safe: only the training thread uses it.
 */
public final class ReplayBuffer<T> {

    private final Object[] ring;
    private final SplittableRandom random;
    private int next;
    private int size;

    public ReplayBuffer(int capacity, long seed) {
        if (capacity < 0) {
            throw new IllegalArgumentException("the replay buffer's capacity must be >= 0, got " + capacity);
        }
        this.ring = new Object[capacity];
        this.random = new SplittableRandom(seed);
    }

    /** Remembers these examples, forgetting the oldest beyond the capacity. */
    public void addAll(List<T> trained) {
        if (ring.length == 0) {
            return;
        }
        for (T example : trained) {
            ring[next] = example;
            next = (next + 1) % ring.length;
            size = Math.min(size + 1, ring.length);
        }
    }

    /** Up to {@code n} distinct remembered examples, drawn uniformly (all of them when it holds no more). */
    @SuppressWarnings("unchecked")
    public List<T> draw(int n) {
        int count = Math.min(n, size);
        List<T> drawn = new ArrayList<>(count);
        if (count == 0) {
            return drawn;
        }
        if (count * 2 >= size) {
            // most of the ring: a partial shuffle of the indexes
            int[] order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            for (int i = 0; i < count; i++) {
                int pick = i + random.nextInt(size - i);
                int chosen = order[pick];
                order[pick] = order[i];
                drawn.add((T) ring[chosen]);
            }
            return drawn;
        }
        java.util.BitSet taken = new java.util.BitSet(size);
        while (drawn.size() < count) {
            int pick = random.nextInt(size);
            if (!taken.get(pick)) {
                taken.set(pick);
                drawn.add((T) ring[pick]);
            }
        }
        return drawn;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return ring.length;
    }

    /** The remembered examples, oldest first (for checkpoints). */
    @SuppressWarnings("unchecked")
    public List<T> contents() {
        List<T> copy = new ArrayList<>(size);
        int oldest = size == ring.length ? next : 0;
        for (int i = 0; i < size; i++) {
            copy.add((T) ring[(oldest + i) % ring.length]);
        }
        return copy;
    }
}
