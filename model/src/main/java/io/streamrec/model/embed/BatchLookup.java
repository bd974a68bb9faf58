package io.streamrec.model.embed;

import ai.djl.ndarray.NDManager;
import io.streamrec.model.Feature;

/** The {@link BatchRows} of every table for one batch: item features in {@link Feature} order, then profile features. */
public final class BatchLookup {

    private final BatchRows[] rows;

    BatchLookup(FeatureTable[] tables) {
        rows = new BatchRows[tables.length];
        for (int i = 0; i < tables.length; i++) {
            rows[i] = new BatchRows(tables[i].table());
        }
    }

    public BatchRows of(Feature f) {
        return rows[f.ordinal()];
    }

    public BatchRows profile(int index) {
        return rows[Feature.COUNT + index];
    }

    /** Every table's rows, in the order of {@link Embeddings#tables()}. */
    public BatchRows[] all() {
        return rows.clone();
    }

    /** Copies every table's registered rows into leaf arrays in {@code manager}. */
    public void gather(NDManager manager, boolean trainable) {
        for (BatchRows r : rows) {
            r.gather(manager, trainable);
        }
    }
}
