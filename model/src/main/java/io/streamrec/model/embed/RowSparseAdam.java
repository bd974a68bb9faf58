package io.streamrec.model.embed;

import io.streamrec.model.FrozenState;
import io.streamrec.model.PrimitiveBlocks;
import io.streamrec.model.vocab.DynamicVocabulary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Lazy ("row-sparse") Adam for one {@link EmbeddingTable}: only the rows in the batch move, each with
 * its own first and second moments and its own step count, so a row's bias correction counts the
 * updates <em>it</em> received. A step costs O(rows in the batch × dim), whatever the table size.
 * DJL's Adam cannot take this path: it rejects sparse gradients and, given dense ones, sweeps the
 * whole table every step.
 */
public final class RowSparseAdam {

    private final AdamRule rule;
    private final int dim;
    private float[] m = new float[0];
    private float[] v = new float[0];
    private long[] steps = new long[0];

    public RowSparseAdam(AdamRule rule, int dim) {
        this.rule = rule;
        this.dim = dim;
    }

    /**
     * Applies one update: {@code gradients} holds {@code rows.length × dim} values, row i's gradient at
     * {@code i × dim}. Padding rows are skipped. Each updated row is stamped with {@code step}.
     */
    public void update(EmbeddingTable table, int[] rows, float[] gradients, long step) {
        ensureRows(table.allocatedRows());
        float[] weights = table.weights();
        for (int i = 0; i < rows.length; i++) {
            int row = rows[i];
            if (row == DynamicVocabulary.PADDING_ROW) {
                continue;
            }
            rule.apply(weights, row * dim, m, v, row * dim, gradients, i * dim, dim, ++steps[row]);
            table.markChanged(row, step);
        }
    }

    /** Forgets a row's moments and step count (its id was replaced). */
    public void reset(int row) {
        if (row < steps.length) {
            Arrays.fill(m, row * dim, (row + 1) * dim, 0f);
            Arrays.fill(v, row * dim, (row + 1) * dim, 0f);
            steps[row] = 0;
        }
    }

    /** How many updates {@code row} has received. */
    public long stepsOf(int row) {
        return row < steps.length ? steps[row] : 0;
    }

    private void ensureRows(int rows) {
        if (rows > steps.length) {
            m = Arrays.copyOf(m, rows * dim);
            v = Arrays.copyOf(v, rows * dim);
            steps = Arrays.copyOf(steps, rows);
        }
    }

    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy of every row's moments and step count, as {@link #writeTo} writes them. */
    public FrozenState freeze() {
        float[] first = m.clone();
        float[] second = v.clone();
        long[] counts = steps.clone();
        return out -> {
            out.writeInt(counts.length);
            PrimitiveBlocks blocks = new PrimitiveBlocks(out);
            for (int r = 0; r < counts.length; r++) {
                blocks.putLong(counts[r]);
                for (int i = r * dim; i < (r + 1) * dim; i++) {
                    blocks.putFloat(first[i]).putFloat(second[i]);
                }
            }
            blocks.flush();
        };
    }

    public void readFrom(DataInput in) throws IOException {
        int rows = in.readInt();
        ensureRows(rows);
        for (int r = 0; r < rows; r++) {
            steps[r] = in.readLong();
            for (int i = r * dim; i < (r + 1) * dim; i++) {
                m[i] = in.readFloat();
                v[i] = in.readFloat();
            }
        }
    }
}
