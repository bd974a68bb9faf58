package io.streamrec.flink.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between the task thread (which {@link #offer}s and must never wait) and the one
 * training thread (which {@link #poll}s batches).
 *
 * <p><b>Sampling policy when the trainer falls behind.</b> While there is room, every example is queued
 * in arrival order. Once the queue is full, it is a reservoir over the backlog (Vitter's Algorithm R):
 * the n-th example offered since the queue was last below capacity (counting the queued ones as the
 * first {@code capacity}) replaces a uniformly chosen queued example with probability capacity / n, and
 * is dropped otherwise. So the examples trained during an overload are a uniform sample of all the
 * examples that arrived, not just the oldest (drop-newest) or the newest (drop-oldest), and the trainer
 * keeps learning from the whole stream at its own pace. Replacement means a queued batch may not be in
 * arrival order; the trainer does not need it to be. {@link #seen()} counts every offer, so the fraction
 * trained is {@code trained / seen}.
 */
final class SamplingQueue<T> {

    private final int capacity;
    private final Object[] slots;
    private final SplittableRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int head;
    /** Examples competing for the reservoir since the queue was last below capacity (queued ones included). */
    private long competing;
    /** Written under the lock, read by metric threads without it. */
    private volatile long seen;

    private volatile long dropped;
    private volatile int size;
    private boolean wakeUp;

    SamplingQueue(int capacity, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.slots = new Object[capacity];
        this.random = new SplittableRandom(seed);
    }

    /** Admits {@code example} by the sampling policy; returns at once. */
    void offer(T example) {
        lock.lock();
        try {
            seen++;
            if (size < capacity) {
                slots[(head + size++) % capacity] = example;
                competing = size;
                changed.signalAll();
                return;
            }
            long n = ++competing;
            long slot = random.nextLong(n);
            if (slot < capacity) {
                slots[(int) ((head + slot) % capacity)] = example;
            }
            dropped++;
        } finally {
            lock.unlock();
        }
    }

    /** Takes up to {@code max} examples, oldest slot first; returns an empty list when none wait. */
    List<T> poll(int max) {
        lock.lock();
        try {
            int n = Math.min(max, size);
            List<T> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(take());
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private T take() {
        T example = (T) slots[head];
        slots[head] = null;
        head = (head + 1) % capacity;
        size--;
        return example;
    }

    /**
     * Waits until at least {@code count} examples are queued, {@link #wakeUp()} is called, or the timeout
     * passes; returns whether {@code count} examples are queued.
     */
    boolean awaitAtLeast(int count, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (size < count && !wakeUp && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            wakeUp = false;
            return size >= count;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the current (or next) {@link #awaitAtLeast} early, e.g. because a publication is due. */
    void wakeUp() {
        lock.lock();
        try {
            wakeUp = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A copy of the queued examples, oldest slot first (for checkpoints). */
    List<T> contents() {
        lock.lock();
        try {
            List<T> copy = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                @SuppressWarnings("unchecked")
                T example = (T) slots[(head + i) % capacity];
                copy.add(example);
            }
            return copy;
        } finally {
            lock.unlock();
        }
    }

    /** Restores counters and queued examples of a checkpoint (examples beyond capacity go through the policy). */
    void restore(long seenBefore, long droppedBefore, List<T> queued) {
        lock.lock();
        try {
            for (T example : queued) {
                offer(example);
            }
            seen = seenBefore;
            dropped = droppedBefore + Math.max(0, queued.size() - capacity);
        } finally {
            lock.unlock();
        }
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** Examples ever offered. */
    long seen() {
        return seen;
    }

    /** Examples dropped or replaced by the sampling policy. */
    long dropped() {
        return dropped;
    }
}
