package io.streamrec.model.embed;

import io.streamrec.model.FrozenState;
import io.streamrec.model.PrimitiveBlocks;
import io.streamrec.model.vocab.DynamicVocabulary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The embedding rows of one feature: up to {@code maxRows} rows of width {@code dim}, held on the
 * Java heap and grown on demand. Row {@value DynamicVocabulary#PADDING_ROW} stays zero.
 *
 * <p>Living outside DJL keeps a training step's cost independent of the table size: a batch copies
 * in only the rows it uses ({@link BatchRows}) and {@link RowSparseAdam} writes back only those. Each
 * row remembers the step of its last change so that model deltas can carry only what changed.
 */
public final class EmbeddingTable {

    private static final int INITIAL_ROWS = 1024;

    private final int dim;
    private final int maxRows;
    private final float initStd;
    private final long seed;
    private float[] weights;
    private long[] changedAt;

    /**
     * @param dim      row width
     * @param maxRows  most rows it can hold, padding included (vocabulary capacity + 1)
     * @param initStd  standard deviation of a new row's normal initialisation
     * @param seed     mixed with an id to initialise its row, so a row's start depends only on (seed, id)
     */
    public EmbeddingTable(int dim, int maxRows, float initStd, long seed) {
        if (dim < 1 || maxRows < 1) {
            throw new IllegalArgumentException(
                    "an embedding table needs dim >= 1 and maxRows >= 1, got " + dim + ", " + maxRows);
        }
        this.dim = dim;
        this.maxRows = maxRows;
        this.initStd = initStd;
        this.seed = seed;
        this.weights = new float[Math.min(maxRows, INITIAL_ROWS) * dim];
        this.changedAt = new long[Math.min(maxRows, INITIAL_ROWS)];
    }

    public int dim() {
        return dim;
    }

    /** Rows currently allocated (grows towards the maximum as the vocabulary fills). */
    public int allocatedRows() {
        return changedAt.length;
    }

    /** Gives {@code row} the deterministic starting values of {@code id}. */
    public void initialise(int row, String id, long step) {
        ensureRows(row + 1);
        SplittableRandom random = new SplittableRandom(seed ^ mix(id));
        int off = row * dim;
        for (int i = 0; i < dim; i++) {
            weights[off + i] = (float) (random.nextGaussian() * initStd);
        }
        changedAt[row] = step;
    }

    /** Copies {@code row} into {@code dst} at {@code offset}; rows never written read as zeros. */
    public void read(int row, float[] dst, int offset) {
        if (row < changedAt.length) {
            System.arraycopy(weights, row * dim, dst, offset, dim);
        } else {
            Arrays.fill(dst, offset, offset + dim, 0f);
        }
    }

    /** Overwrites {@code row} with {@code dim} values from {@code src} at {@code offset}. */
    public void write(int row, float[] src, int offset, long step) {
        if (row == DynamicVocabulary.PADDING_ROW) {
            throw new IllegalArgumentException("row 0 is padding and stays zero");
        }
        ensureRows(row + 1);
        System.arraycopy(src, offset, weights, row * dim, dim);
        changedAt[row] = step;
    }

    /** The step of the last change to {@code row}. */
    public long changedAt(int row) {
        return row < changedAt.length ? changedAt[row] : 0;
    }

    /** The backing array, row-major, for the optimiser's in-place update. */
    float[] weights() {
        return weights;
    }

    void markChanged(int row, long step) {
        changedAt[row] = step;
    }

    void ensureRows(int rows) {
        if (rows > maxRows) {
            throw new IllegalArgumentException("row " + (rows - 1) + " is beyond this table's " + maxRows + " rows");
        }
        if (rows > changedAt.length) {
            int size = (int) Math.min(maxRows, Math.max(rows, 2L * changedAt.length));
            weights = Arrays.copyOf(weights, size * dim);
            changedAt = Arrays.copyOf(changedAt, size);
        }
    }

    private static long mix(String id) {
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return h;
    }

    public void writeTo(DataOutput out, int rows) throws IOException {
        freeze(rows).writeTo(out);
    }

    /** A copy of the first {@code rows} rows and their change steps, as {@link #writeTo} writes them. */
    public FrozenState freeze(int rows) {
        int held = Math.min(rows, changedAt.length);
        float[] values = Arrays.copyOf(weights, held * dim);
        long[] changed = Arrays.copyOf(changedAt, held);
        return out -> {
            out.writeInt(rows);
            PrimitiveBlocks blocks = new PrimitiveBlocks(out);
            for (int r = 0; r < rows; r++) {
                if (r < held) {
                    blocks.putLong(changed[r]).putFloats(values, r * dim, (r + 1) * dim);
                } else {
                    blocks.putLong(0);
                    for (int i = 0; i < dim; i++) {
                        blocks.putFloat(0f);
                    }
                }
            }
            blocks.flush();
        };
    }

    public void readFrom(DataInput in) throws IOException {
        int rows = in.readInt();
        ensureRows(rows);
        for (int r = 0; r < rows; r++) {
            changedAt[r] = in.readLong();
            int off = r * dim;
            for (int i = 0; i < dim; i++) {
                weights[off + i] = in.readFloat();
            }
        }
    }
}
