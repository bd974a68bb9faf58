package io.streamrec.bench.serving;

import java.util.List;

/** An ANN library as the service would use it: built once, then kept current by deltas while it answers. */
interface Candidate extends AutoCloseable {

    /** An item row. */
    record Row(String itemId, float[] vector) {}

    String name();

    /** Builds from the rows of a FULL update. */
    void build(List<Row> rows) throws Exception;

    /** Applies one delta (upserts, then deletes) and makes it visible to searches. */
    void delta(List<Row> upserts, List<String> deletes) throws Exception;

    /**
     * The ids of the top {@code k} items by inner product, keeping {@code searchBeamWidth} candidates during the walk
     * where the library takes it per search (Lucene fixes it when the candidate is made).
     */
    List<String> search(float[] query, int k, int searchBeamWidth) throws Exception;

    /**
     * One step of keeping the index current between deltas (the service's graph upkeep); returns how long to wait
     * before the next is useful, nanoseconds. Libraries that do all their work in {@link #delta} have none.
     */
    default long upkeep() {
        return Long.MAX_VALUE;
    }

    /** Finishes the work deltas left pending, unbudgeted (before a recall measurement). */
    default void settle() {}

    /** What the index holds beyond the live rows, for the report (e.g. nodes, segments). */
    String shape();

    @Override
    void close() throws Exception;
}
