package io.streamrec.model.embed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.streamrec.model.vocab.DynamicVocabulary;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The distinct rows of one {@link EmbeddingTable} that a batch uses, copied into a small leaf array
 * (distinct rows × dim) that collects their gradients. Positions refer to rows by their local index
 * in that leaf; local index 0 is always the padding row.
 *
 * <p>Two phases: first every position is registered with {@link #local}, then {@link #gather} copies
 * the rows in once, after which {@link #embed} looks positions up (differentiably) in the leaf.
 */
public final class BatchRows {

    private final EmbeddingTable table;
    private final Map<Integer, Integer> localByRow = new HashMap<>();
    private int[] rows = new int[64];
    private int count;
    private NDArray leaf;

    public BatchRows(EmbeddingTable table) {
        this.table = table;
        local(DynamicVocabulary.PADDING_ROW);
    }

    /** The local index of {@code row}, registering it on first use. */
    public int local(int row) {
        if (leaf != null) {
            throw new IllegalStateException("rows were already gathered; register every row before gather()");
        }
        Integer known = localByRow.get(row);
        if (known != null) {
            return known;
        }
        if (count == rows.length) {
            rows = Arrays.copyOf(rows, count * 2);
        }
        rows[count] = row;
        localByRow.put(row, count);
        return count++;
    }

    /** Copies the registered rows into a (count, dim) array in {@code manager}; trainable ones collect gradients. */
    public NDArray gather(NDManager manager, boolean trainable) {
        int dim = table.dim();
        float[] values = new float[count * dim];
        for (int i = 1; i < count; i++) {
            table.read(rows[i], values, i * dim);
        }
        leaf = manager.create(values, new Shape(count, dim));
        if (trainable) {
            leaf.setRequiresGradient(true);
        }
        return leaf;
    }

    /** The embeddings at {@code locals}, shaped {@code shape} + (dim). */
    public NDArray embed(long[] locals, Shape shape) {
        if (leaf == null) {
            throw new IllegalStateException("gather() the rows before embedding positions");
        }
        NDArray indices = leaf.getManager().create(locals, shape);
        // the engine's embedding lookup (as DJL's Embedding block uses): its backward is faster than indexing's
        return indices.getNDArrayInternal()
                .embedding(indices, leaf, SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /** The table rows in local-index order (index 0 is padding). */
    public int[] rows() {
        return Arrays.copyOf(rows, count);
    }

    /** The gradient collected by the leaf, in local-index order, {@code count × dim} values. */
    public float[] gradient() {
        return leaf.getGradient().toFloatArray();
    }

    public EmbeddingTable table() {
        return table;
    }
}
