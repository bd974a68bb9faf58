package io.streamrec.bench.serving;

import io.streamrec.serving.index.IndexSettings;
import io.streamrec.serving.index.ItemIndex;
import io.streamrec.serving.index.ItemInfo;
import io.streamrec.serving.index.ScoredItem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/** The service's own {@link ItemIndex} (jvector graph, versioned rows), rebuilt when degraded as the service does. */
final class JVectorCandidate implements Candidate {

    private final int dim;
    private final IndexSettings settings;
    private final ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
    private volatile ItemIndex index;
    private int rebuilds;

    JVectorCandidate(int dim, IndexSettings settings) {
        this.dim = dim;
        this.settings = settings;
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
        upserts.forEach(r -> index.upsert(r.itemId(), ItemInfo.NONE, r.vector(), v));
        deletes.forEach(id -> index.delete(id, v));
        index.publish(v);
        if (index.degraded()) {
            // the service rebuilds in the background and swaps (ServingModel.maintain); here the updater waits
            index = index.rebuiltAt(v, pool);
            rebuilds++;
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
        return index.nodes() + " nodes for " + index.liveItems() + " live items, " + rebuilds + " rebuilds";
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
