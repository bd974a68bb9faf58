package io.streamrec.model.train.online;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

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
public final class ExampleQueue<T> {

    private final int capacity;
    private final LongSupplier clock;
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
    /** When the oldest example now waiting arrived (on {@link #clock}); meaningful while size > 0. */
    private long waitingSince;

    public ExampleQueue(int capacity, long seed) {
        this(capacity, seed, System::nanoTime);
    }

    /** A queue whose waiting times are read from {@code clock} (nanoseconds; a virtual clock in simulations). */
    public ExampleQueue(int capacity, long seed, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
        this.slots = new Object[capacity];
        this.random = new SplittableRandom(seed);
    }

    /** Admits {@code example} by the sampling policy; returns at once. */
    public void offer(T example) {
        lock.lock();
        try {
            seen++;
            if (size == 0) {
                waitingSince = clock.getAsLong();
            }
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
    public List<T> poll(int max) {
        lock.lock();
        try {
            int n = Math.min(max, size);
            List<T> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(take());
            }
            // what stays behind has waited at most since now, as far as the next round is concerned
            waitingSince = clock.getAsLong();
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
    public boolean awaitAtLeast(int count, long timeout, TimeUnit unit) throws InterruptedException {
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

    /**
     * Whether a training round is due: a whole batch waits, or something waits and the oldest of it has waited
     * {@code maxDelayNanos}.
     */
    public boolean roundDue(int batchSize, long maxDelayNanos) {
        lock.lock();
        try {
            return size >= batchSize || (size > 0 && clock.getAsLong() - waitingSince >= maxDelayNanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a round is {@link #roundDue due}, {@link #wakeUp()} is called, or {@code timeoutNanos} pass;
     * returns whether a round is due.
     */
    public boolean awaitRound(int batchSize, long maxDelayNanos, long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            while (!wakeUp) {
                long now = clock.getAsLong();
                if (size >= batchSize || (size > 0 && now - waitingSince >= maxDelayNanos)) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                long wait = size > 0 ? Math.min(left, waitingSince + maxDelayNanos - now) : left;
                changed.awaitNanos(Math.max(1, wait));
            }
            wakeUp = false;
            return size >= batchSize || (size > 0 && clock.getAsLong() - waitingSince >= maxDelayNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Ends the current (or next) {@link #awaitAtLeast} early, e.g. because a publication is due. */
    public void wakeUp() {
        lock.lock();
        try {
            wakeUp = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A copy of the queued examples, oldest slot first (for checkpoints). */
    public List<T> contents() {
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
    public void restore(long seenBefore, long droppedBefore, List<T> queued) {
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

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    /** Examples ever offered. */
    public long seen() {
        return seen;
    }

    /** Examples dropped or replaced by the sampling policy. */
    public long dropped() {
        return dropped;
    }
}
