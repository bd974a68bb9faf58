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
 *
 * <p><b>Backlog.</b> With a {@link Codec}, examples beyond the first {@code capacity} wait serialised, up to
 * {@code backlogCapacity} more, in arrival order behind the in-memory ones, so a burst the trainer cannot take at
 * once waits (at a few kilobytes an example rather than tens) and is trained once it has passed; the reservoir then
 * samples only under sustained overload, over everything waiting. The training thread decodes them as it polls. A
 * checkpoint keeps the next {@code capacity} waiting ({@link #waiting}); the rest count as dropped on restore.
 */
public final class ExampleQueue<T> {

    /** Serialises examples for the backlog; {@link #decode} of {@link #encode} gives an equal example. */
    public interface Codec<T> {
        byte[] encode(T example);

        T decode(byte[] bytes);
    }

    /**
     * The next waiting examples, oldest first, as a checkpoint keeps them: the in-memory ones, then the serialised
     * ones as their bytes (the {@link Codec}'s), and how many waiting examples were left out.
     */
    public record Waiting<T>(List<T> examples, List<byte[]> encoded, long omitted) {
        public int size() {
            return examples.size() + encoded.size();
        }
    }

    private final int capacity;
    private final int backlogCapacity;
    private final Codec<T> codec;
    private final LongSupplier clock;
    private final Object[] slots;
    /**
     * The serialised part, a ring behind {@link #slots}, used while the in-memory part is full or still draining;
     * room for everything waiting, since the in-memory part may drain while the backlog holds the rest.
     */
    private final byte[][] backlog;

    private int backlogHead;
    private int backlogSize;
    private final SplittableRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int head;
    /** Examples in {@link #slots}; {@link #size} counts the backlog too. */
    private int inMemory;
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
        this(capacity, 0, null, seed, clock);
    }

    /**
     * A queue that keeps up to {@code backlogCapacity} more examples serialised by {@code codec} (none when 0).
     *
     * @param capacity examples kept in memory, and the most a checkpoint keeps
     */
    public ExampleQueue(int capacity, int backlogCapacity, Codec<T> codec, long seed, LongSupplier clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be positive, got " + capacity);
        }
        if (backlogCapacity < 0 || (backlogCapacity > 0 && codec == null)) {
            throw new IllegalArgumentException(
                    "a backlog needs a capacity of 0 or more and a codec, got " + backlogCapacity + " and " + codec);
        }
        this.capacity = capacity;
        this.backlogCapacity = backlogCapacity;
        this.codec = codec;
        this.clock = clock;
        this.slots = new Object[capacity];
        // room for everything waiting: the in-memory part may drain while the backlog holds the rest
        this.backlog = new byte[backlogCapacity == 0 ? 0 : capacity + backlogCapacity][];
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
            if (backlogSize == 0 && inMemory < capacity) {
                slots[(head + inMemory++) % capacity] = example;
                size++;
                competing = size;
                changed.signalAll();
                return;
            }
            if (size < capacity + backlogCapacity) {
                // behind the in-memory part, even when it has drained a little: arrival order is kept
                backlog[(backlogHead + backlogSize++) % backlog.length] = codec.encode(example);
                size++;
                competing = size;
                changed.signalAll();
                return;
            }
            long n = ++competing;
            long slot = random.nextLong(n);
            if (slot < size) {
                if (slot < inMemory) {
                    slots[(int) ((head + slot) % capacity)] = example;
                } else {
                    backlog[(int) ((backlogHead + slot - inMemory) % backlog.length)] = codec.encode(example);
                }
            }
            dropped++;
        } finally {
            lock.unlock();
        }
    }

    /** Takes up to {@code max} examples, oldest slot first; returns an empty list when none wait. */
    public List<T> poll(int max) {
        List<byte[]> encoded;
        List<T> batch;
        lock.lock();
        try {
            int n = Math.min(max, size);
            batch = new ArrayList<>(n);
            while (batch.size() < n && inMemory > 0) {
                batch.add(take());
            }
            encoded = new ArrayList<>(n - batch.size());
            while (batch.size() + encoded.size() < n) {
                encoded.add(backlog[backlogHead]);
                backlog[backlogHead] = null;
                backlogHead = (backlogHead + 1) % backlog.length;
                backlogSize--;
                size--;
            }
            // what stays behind has waited at most since now, as far as the next round is concerned
            waitingSince = clock.getAsLong();
        } finally {
            lock.unlock();
        }
        for (byte[] bytes : encoded) {
            batch.add(codec.decode(bytes)); // off the lock: the task thread's offers never wait for decoding
        }
        return batch;
    }

    @SuppressWarnings("unchecked")
    private T take() {
        T example = (T) slots[head];
        slots[head] = null;
        head = (head + 1) % capacity;
        inMemory--;
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

    /** A copy of the queued examples, oldest slot first (the serialised ones decoded). */
    public List<T> contents() {
        Waiting<T> all = waiting(Integer.MAX_VALUE);
        List<T> copy = new ArrayList<>(all.examples());
        for (byte[] bytes : all.encoded()) {
            copy.add(codec.decode(bytes));
        }
        return copy;
    }

    /** The next {@code max} waiting examples, oldest first, for a checkpoint (cheap: nothing is encoded or decoded). */
    public Waiting<T> waiting(int max) {
        lock.lock();
        try {
            int memory = Math.min(max, inMemory);
            List<T> examples = new ArrayList<>(memory);
            for (int i = 0; i < memory; i++) {
                @SuppressWarnings("unchecked")
                T example = (T) slots[(head + i) % capacity];
                examples.add(example);
            }
            int serialised = Math.min(max - memory, backlogSize);
            List<byte[]> encoded = new ArrayList<>(serialised);
            for (int i = 0; i < serialised; i++) {
                encoded.add(backlog[(backlogHead + i) % backlog.length]);
            }
            return new Waiting<>(examples, encoded, size - memory - serialised);
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
            dropped = droppedBefore + Math.max(0, queued.size() - capacity());
        } finally {
            lock.unlock();
        }
    }

    /** Examples waiting, in memory and serialised. */
    public int size() {
        return size;
    }

    /** The most examples that can wait, in memory and serialised. */
    public int capacity() {
        return capacity + backlogCapacity;
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
