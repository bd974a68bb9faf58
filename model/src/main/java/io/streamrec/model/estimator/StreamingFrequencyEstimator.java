package io.streamrec.model.estimator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Streaming frequency estimation of Yi et al. (RecSys 2019, §4, Algorithm 2 with multiple hashes):
 * how often each item occurs in the training batches, learnt from the batches themselves, so that
 * the in-batch softmax can subtract log p̂ from each logit.
 *
 * <p>For each of m hash functions it keeps A_i (the step an item's slot was last seen) and B_i
 * (the mean number of steps between its occurrences). At global step t, for each occurrence of an
 * item y in the batch:
 * <pre>
 *   B_i[h_i(y)] ← (1−α)·B_i[h_i(y)] + α·(t − A_i[h_i(y)])
 *   A_i[h_i(y)] ← t
 *   p̂(y) = 1 / max_i B_i[h_i(y)]
 * </pre>
 * A colliding item only adds occurrences to a slot, which can only shorten its interval, so the
 * largest interval over the m slots is the least corrupted one.
 *
 * <h2>Choices the paper leaves open</h2>
 * <ul>
 *   <li><b>Repeats within a batch.</b> Every occurrence counts: an item seen c times at step t, g
 *       steps after its previous step, gets the paper's update c times with the gap g/c, i.e. its
 *       occurrences are taken as evenly spaced through the step:
 *       B ← (1−α)^c·B + (1−(1−α)^c)·g/c. Over a run the mean gap per occurrence is then
 *       1 / (expected occurrences per step), so <b>p̂ estimates the expected number of occurrences
 *       of the item per batch</b>. For items rarer than one per batch this is the probability of
 *       appearing in the batch (the paper's quantity); for head items it keeps growing past 1
 *       instead of saturating, which is what the logQ correction needs, since each occurrence is its
 *       own negative column of the in-batch softmax. Feeding the repeats one by one instead, as
 *       gaps (g, 0, …, 0), would make the result depend on batch order and overstate head items by
 *       about α(c−1)/2 (13 % at α = 0.01 for an item seen 26 times per batch).</li>
 *   <li><b>Unseen items.</b> A slot's first step only records that step (however many times the
 *       item occurs in it): nothing says when the item entered the stream, so "steps since the estimator started" would overstate the gap of
 *       every item introduced later. Until a slot has an interval sample its interval reads as the
 *       number of steps so far (seen at most once in t steps, p̂ = 1/t).</li>
 *   <li><b>Warm-up.</b> B starts at 0, which would bias the first ~1/α samples towards p̂ = ∞. Each
 *       slot also keeps the sum of its EMA weights, 1 − (1−α)^n after n samples, and the interval is
 *       read as B / weight: the bias correction Adam applies to its moments. After its first few
 *       samples an item's estimate is the plain mean of those gaps; later it is the paper's EMA.</li>
 * </ul>
 *
 * <h2>Drift</h2>
 * An item's estimate moves only when the item occurs: it follows a change of popularity within
 * about ln(10·|ρ−1|)/α of its own occurrences (ρ the ratio of old to new interval), and an item that
 * stops occurring keeps its last estimate. Targets are read right after their own update, so this
 * staleness reaches only negatives read from the vocabulary.
 *
 * <h2>Threading</h2>
 * Single writer. {@link #update} and every read must happen on one thread (the trainer's), or under
 * the caller's own lock: updates are not atomic, and a reader racing an update may see an interval
 * and a weight from different steps. A reader on another thread takes a {@link #copy()} made by the
 * writer, or {@link #toBytes() bytes}, and may then read that copy freely; copies never change.
 *
 * <h2>Cost</h2>
 * 16 bytes per cell in two primitive arrays (A, and B interleaved with its weight so that one
 * cache line serves both), one string hash per id and m cheap mixes, no allocation per update or
 * read once the scratch buffer has grown to the batch size.
 */
public final class StreamingFrequencyEstimator {
    private static final int FORMAT_MAGIC = 0x53464531; // "SFE1"
    /** The layout of {@link #writeTo}; the m slots of an id derive from one 64-bit key of it. */
    private static final int FORMAT_VERSION = 1;
    /** One serialised cell: A (long), then the two floats of B. */
    private static final int CELL_BYTES = Long.BYTES + 2 * Float.BYTES;

    private static final int CELLS_PER_BLOCK = 4096;
    private static final long NEVER = 0L;

    private final FrequencyEstimatorConfig config;
    private final ItemHashFamily hashes;
    private final int slots;
    private final float alpha;
    /** A: step of the last occurrence per cell (function · H + slot); 0 = never seen. */
    private final long[] lastStep;
    /**
     * Per cell c: at 2c, B, zero-initialised, the EMA of the gaps between occurrences; at 2c+1 the
     * sum of the EMA weights B has received, 1 − (1−α)^n after n samples.
     */
    private final float[] moments;
    /** Scratch: the cells touched by the batch being applied; grows to batch size × m. */
    private int[] touched = new int[0];
    /** t: the number of batches seen. */
    private long step;

    public StreamingFrequencyEstimator(FrequencyEstimatorConfig config) {
        this.config = config;
        this.slots = config.hashSlots();
        this.alpha = (float) config.learningRate();
        this.hashes = new ItemHashFamily(config.hashFunctions(), slots, config.seed());
        int cells = Math.multiplyExact(slots, config.hashFunctions());
        this.lastStep = new long[cells];
        this.moments = new float[Math.multiplyExact(cells, 2)];
    }

    public FrequencyEstimatorConfig config() {
        return config;
    }

    /** t: how many batches have been observed. */
    public long step() {
        return step;
    }

    /** Advances t by one and records every occurrence in {@code batch}. */
    public void update(List<? extends CharSequence> batch) {
        long t = ++step;
        int functions = hashes.functions();
        int size = batch.size() * functions;
        if (touched.length < size) {
            touched = new int[size];
        }
        for (int k = 0, n = 0; k < batch.size(); k++) {
            long key = hashes.key(batch.get(k));
            for (int i = 0; i < functions; i++, n++) {
                touched[n] = i * slots + hashes.slot(i, key);
            }
        }
        // Sorting groups each cell's occurrences into one run, and visits the arrays in address order.
        Arrays.sort(touched, 0, size);
        for (int run = 0; run < size; ) {
            int cell = touched[run];
            int end = run + 1;
            while (end < size && touched[end] == cell) {
                end++;
            }
            observe(cell, end - run, t);
            run = end;
        }
    }

    /** c occurrences at step t, evenly spaced: the paper's update c times with gap (t − A)/c. */
    private void observe(int cell, int occurrences, long t) {
        if (lastStep[cell] != NEVER) {
            float gap = (float) (t - lastStep[cell]) / occurrences;
            float kept = occurrences == 1 ? 1f - alpha : (float) Math.pow(1.0 - alpha, occurrences);
            moments[2 * cell] = kept * moments[2 * cell] + (1f - kept) * gap;
            moments[2 * cell + 1] = kept * moments[2 * cell + 1] + (1f - kept);
        }
        lastStep[cell] = t;
    }

    /** p̂(y) = 1 / max_i B_i[h_i(y)]: the expected occurrences of {@code itemId} per batch. */
    public double probability(CharSequence itemId) {
        return 1.0 / interval(itemId);
    }

    /** log p̂(y), the logQ correction term. */
    public double logProbability(CharSequence itemId) {
        return -Math.log(interval(itemId));
    }

    /** log p̂ for each id, in order, into a new array (the shape the loss takes). */
    public float[] logProbabilities(List<? extends CharSequence> itemIds) {
        float[] out = new float[itemIds.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) logProbability(itemIds.get(k));
        }
        return out;
    }

    /** max_i B_i[h_i(y)], the estimated steps between occurrences. */
    double interval(CharSequence itemId) {
        long key = hashes.key(itemId);
        double longest = 0;
        for (int i = 0, functions = hashes.functions(); i < functions; i++) {
            longest = Math.max(longest, cellInterval(i * slots + hashes.slot(i, key)));
        }
        return longest;
    }

    private double cellInterval(int cell) {
        float weight = moments[2 * cell + 1];
        if (weight == 0f) {
            return Math.max(step, 1L);
        }
        return moments[2 * cell] / weight;
    }

    /** An independent copy, e.g. for a reader on another thread. */
    public StreamingFrequencyEstimator copy() {
        StreamingFrequencyEstimator copy = new StreamingFrequencyEstimator(config);
        copy.step = step;
        System.arraycopy(lastStep, 0, copy.lastStep, 0, lastStep.length);
        System.arraycopy(moments, 0, copy.moments, 0, moments.length);
        return copy;
    }

    /** Writes the config, t and every cell's A, B and weight; {@link #readFrom} restores it bit for bit. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(FORMAT_MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(config.hashSlots());
        out.writeInt(config.hashFunctions());
        out.writeDouble(config.learningRate());
        out.writeLong(config.seed());
        out.writeLong(step);
        // the cells in blocks through one buffer (same big-endian bytes as writeLong/writeFloat per value): the
        // table has millions of cells, written at every checkpoint while training waits, and three calls per cell
        // made this most of the trainer's checkpoint time
        ByteBuffer block = ByteBuffer.allocate(CELLS_PER_BLOCK * CELL_BYTES);
        for (int from = 0; from < lastStep.length; from += CELLS_PER_BLOCK) {
            int to = Math.min(lastStep.length, from + CELLS_PER_BLOCK);
            block.clear();
            for (int cell = from; cell < to; cell++) {
                block.putLong(lastStep[cell]).putFloat(moments[2 * cell]).putFloat(moments[2 * cell + 1]);
            }
            out.write(block.array(), 0, block.position());
        }
    }

    public static StreamingFrequencyEstimator readFrom(DataInput in) throws IOException {
        int magic = in.readInt();
        if (magic != FORMAT_MAGIC) {
            throw new IOException(String.format(
                    "not a serialised StreamingFrequencyEstimator (magic 0x%08x, expected 0x%08x); "
                            + "was this state written by another operator?",
                    magic, FORMAT_MAGIC));
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    "StreamingFrequencyEstimator format version " + version + " is not supported (this build reads "
                            + FORMAT_VERSION + "); restore with the build that wrote it");
        }
        FrequencyEstimatorConfig config =
                new FrequencyEstimatorConfig(in.readInt(), in.readInt(), in.readDouble(), in.readLong());
        StreamingFrequencyEstimator estimator = new StreamingFrequencyEstimator(config);
        estimator.step = in.readLong();
        ByteBuffer block = ByteBuffer.allocate(CELLS_PER_BLOCK * CELL_BYTES);
        for (int from = 0; from < estimator.lastStep.length; from += CELLS_PER_BLOCK) {
            int to = Math.min(estimator.lastStep.length, from + CELLS_PER_BLOCK);
            block.clear();
            in.readFully(block.array(), 0, (to - from) * CELL_BYTES);
            for (int cell = from; cell < to; cell++) {
                estimator.lastStep[cell] = block.getLong();
                estimator.moments[2 * cell] = block.getFloat();
                estimator.moments[2 * cell + 1] = block.getFloat();
            }
        }
        return estimator;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(48 + 16 * lastStep.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    public static StreamingFrequencyEstimator fromBytes(byte[] bytes) {
        try {
            return readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot restore the frequency estimator: " + e.getMessage(), e);
        }
    }
}
