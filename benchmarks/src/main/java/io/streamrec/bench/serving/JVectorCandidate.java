package io.streamrec.bench.serving;

import io.streamrec.serving.index.IndexSettings;
import io.streamrec.serving.index.IndexUpkeep;
import io.streamrec.serving.index.ItemIndex;
import io.streamrec.serving.index.ItemInfo;
import io.streamrec.serving.index.ScoredItem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * The service's own {@link ItemIndex} (jvector graph, versioned rows), kept current as the service does: a delta
 * appends its rows, and {@link IndexUpkeep} inserts them into the graph and rebuilds a degraded index within its CPU
 * budget, on the updating thread between deltas.
 */
final class JVectorCandidate implements Candidate {

    private final int dim;
    private final IndexSettings settings;
    private final ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    private final IndexUpkeep upkeep;
    private volatile ItemIndex index;
    private volatile boolean unbudgeted;
    private int rebuilds;

    JVectorCandidate(int dim, IndexSettings settings) {
        this.dim = dim;
        this.settings = settings;
        this.upkeep = new IndexUpkeep("bench", settings);
    }

    ItemIndex index() {
        return index;
    }

    @Override
    public String name() {
        return "jvector";
    }

    @Override
    public void build(List<Row> rows) {
        List<ItemIndex.Row> items = new ArrayList<>(rows.size());
        rows.forEach(r -> items.add(new ItemIndex.Row(r.itemId(), ItemInfo.NONE, r.vector())));
        index = ItemIndex.build(dim, settings, 1, items, pool);
    }

    @Override
    public void delta(List<Row> upserts, List<String> deletes) {
        long v = index.version() + 1;
        java.util.function.Consumer<ItemIndex> change = target -> {
            upserts.forEach(r -> target.upsert(r.itemId(), ItemInfo.NONE, r.vector(), v));
            deletes.forEach(id -> target.delete(id, v));
        };
        change.accept(index);
        upkeep.applied(change);
        if (unbudgeted) {
            settle();
        }
        index.publish(v);
    }

    /** Whether deltas insert all their rows into the graph at once (the policy before the budget), for a baseline. */
    void unbudgeted(boolean atOnce) {
        this.unbudgeted = atOnce;
    }

    @Override
    public long upkeep() {
        IndexUpkeep.Step step = upkeep.step(index);
        if (step.rebuilt() != null) {
            step.rebuilt().publish(index.version());
            index = step.rebuilt();
            rebuilds++;
        }
        return step.waitNanos();
    }

    @Override
    public void settle() {
        while (index.freshRows() > 0) {
            index.insertFresh(Integer.MAX_VALUE);
        }
    }

    @Override
    public List<String> search(float[] query, int k, int searchBeamWidth) {
        List<ScoredItem> found = index.search(query, k, index.version(), ItemIndex.ItemFilter.NONE, searchBeamWidth);
        List<String> ids = new ArrayList<>(found.size());
        found.forEach(i -> ids.add(i.itemId()));
        return ids;
    }

    @Override
    public String shape() {
        return String.format(
                "%d nodes for %d live items, %d fresh rows, %d rebuilds (%d deferred by the budget); graph inserts:"
                        + " %,d rows in %.1f s within the budget, %,d rows in %.1f s beyond it",
                index.nodes(),
                index.liveItems(),
                index.freshRows(),
                rebuilds,
                upkeep.rebuildsDeferred(),
                upkeep.rowsInserted(),
                upkeep.insertNanos() / 1e9,
                upkeep.catchUpRows(),
                upkeep.catchUpNanos() / 1e9);
    }

    @Override
    public void close() {
        upkeep.close();
        pool.shutdown();
    }
}
