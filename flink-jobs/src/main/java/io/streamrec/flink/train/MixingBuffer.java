package io.streamrec.flink.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A shuffle buffer between scoring and training, like {@code tf.data}'s: the scored examples wait here, and
 * each training batch is drawn uniformly at random, without replacement, from everything waiting.
 *
 * <p><b>Why.</b> Events replayed in time order come in bursts per user (people rate many items in one
 * sitting), so a batch of consecutive examples holds only a handful of users, and the in-batch negatives of
 * the sampled softmax are mostly the same user's own items. Drawing from the last {@code capacity} examples
 * instead gives each batch about as many users as that stretch of the stream holds.
 *
 * <p><b>Each example is trained exactly once.</b> {@link #drawBatch} removes what it returns, and a batch is
 * drawn only while the buffer is full ({@link #readyToDraw}), so an example waits for about {@code capacity}
 * later examples before it is trained, and every batch is drawn from at least {@code capacity} examples. At the end
 * of a bounded input {@link #drawBatch} empties it. Scoring is not delayed: examples are scored on arrival,
 * in arrival order, before they enter the buffer (test-then-train).
 *
 * <p>A capacity of one batch turns mixing off: every scored batch is trained as it is (in another order).
 * Not thread-safe: only the training thread uses it, under the model lock that checkpoints take.
 */
final class MixingBuffer<T> {

    private final int capacity;
    private final int batchSize;
    private final List<T> waiting;
    private final SplittableRandom random;

    MixingBuffer(int capacity, int batchSize, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be positive, got " + batchSize);
        }
        if (capacity < batchSize) {
            throw new IllegalArgumentException(
                    "the mixing buffer (" + capacity + ") must hold at least one batch of " + batchSize);
        }
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.waiting = new ArrayList<>(capacity + batchSize);
        this.random = new SplittableRandom(seed);
    }

    /** Adds scored examples; the buffer may exceed its capacity by what one call adds until batches are drawn. */
    void addAll(List<T> scored) {
        waiting.addAll(scored);
    }

    /** Whether the buffer holds its capacity, so a batch drawn now is fully mixed. */
    boolean readyToDraw() {
        return waiting.size() >= capacity;
    }

    /**
     * Removes and returns up to one batch, uniformly at random without replacement (partial Fisher–Yates
     * from the end, so a draw costs O(batch)).
     */
    List<T> drawBatch() {
        int n = Math.min(batchSize, waiting.size());
        List<T> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int last = waiting.size() - 1;
            int pick = random.nextInt(last + 1);
            T chosen = waiting.get(pick);
            waiting.set(pick, waiting.get(last));
            waiting.remove(last);
            batch.add(chosen);
        }
        return batch;
    }

    /** A copy of the waiting examples (for checkpoints). */
    List<T> contents() {
        return new ArrayList<>(waiting);
    }

    int size() {
        return waiting.size();
    }

    int capacity() {
        return capacity;
    }
}
