package io.streamrec.serving.index;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * The item vectors of one model, searchable by inner product, kept current by deltas while searches run, with every
 * answer taken at one version.
 *
 * <p><b>Versions.</b> Rows are never changed in place: an upsert appends a node for the item's new vector and marks
 * the item's previous node as replaced at that version; a delete marks it deleted. Each node carries the version that
 * added it and the version that removed it, so a search at version v accepts exactly the nodes live at v, and the
 * rows of a delta being applied stay invisible until {@link #publish} makes its version current. A search holds the
 * version it started with, so an answer never mixes two versions.
 *
 * <p><b>Search.</b> An HNSW-style graph (jvector's {@link GraphIndexBuilder}, which takes inserts concurrently with
 * searches) over the nodes inserted into it; replaced and deleted nodes still route the walk but are never returned.
 * A delta's rows are appended as <i>fresh</i> nodes, which every search scans exactly beside the walk (both answers
 * merged), until {@link #insertFresh} puts them into the graph, oldest first: so a row is found with its new vector
 * from the version that wrote it on, and the cost of graph inserts is paid when the updater's budget allows
 * ({@link IndexUpkeep}), not while the delta is applied. Below
 * {@link IndexSettings#exactSearchThreshold()} live items a search scans them all instead ({@link #searchExact}, also
 * the reference the tests and the benchmark measure recall against), and an index built that small keeps no graph at
 * all: inserting into a graph costs far more than a scan saves there, and a small catalogue's deltas (every row an
 * insert) would hold up catching up. Once such an index outgrows the threshold, {@link #degraded()} asks for a rebuild,
 * which builds the graph.
 *
 * <p><b>Decay.</b> Every upsert leaves a dead node behind, and a graph with many dead nodes walks further for the same
 * answers; {@link #degraded()} says when to rebuild ({@link #rebuiltAt}, from the live rows, off the updating thread,
 * while this index keeps answering).
 *
 * <p>One thread writes ({@link #upsert}, {@link #delete}, {@link #publish}, {@link #insertFresh}); any number search.
 */
public final class ItemIndex {

    private static final VectorTypeSupport VECTORS =
            VectorizationProvider.getInstance().getVectorTypeSupport();
    private static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;
    private static final int CHUNK_BITS = 14;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int LIVE = Integer.MAX_VALUE;

    private final int dim;
    private final IndexSettings settings;
    private final long baseVersion;
    private final NodeVectors vectors = new NodeVectors();
    private final GraphIndexBuilder graph;
    private final ForkJoinPool pool;
    private GraphIndexBuilder inserter;
    private final ConcurrentHashMap<String, Integer> newestNode = new ConcurrentHashMap<>();

    private volatile Chunk[] chunks = new Chunk[0];
    private volatile int size;
    /** Nodes below this are in the graph; the ones from it to {@link #size} are fresh (scanned by every search). */
    private volatile int graphedBelow;

    private volatile long version;
    private int liveItems;
    private final boolean graphed;

    /** An empty index for vectors of width {@code dim}, at {@code baseVersion}. */
    public ItemIndex(int dim, IndexSettings settings, long baseVersion) {
        this(dim, settings, baseVersion, ForkJoinPool.commonPool(), settings.exactSearchThreshold() == 0);
    }

    private ItemIndex(int dim, IndexSettings settings, long baseVersion, ForkJoinPool pool, boolean graphed) {
        if (dim < 1) {
            throw new IllegalArgumentException("vector width must be positive, got " + dim);
        }
        this.dim = dim;
        this.settings = settings;
        this.baseVersion = baseVersion;
        this.version = baseVersion;
        this.graphed = graphed;
        this.pool = pool;
        this.graph = new GraphIndexBuilder(
                BuildScoreProvider.randomAccessScoreProvider(vectors, SIMILARITY),
                dim,
                settings.maxDegree(),
                settings.beamWidth(),
                1.2f,
                1.2f,
                true,
                false,
                pool,
                pool);
    }

    /** An index holding {@code rows}, built with {@code pool}'s threads, at {@code version}. */
    public static ItemIndex build(int dim, IndexSettings settings, long version, List<Row> rows, ForkJoinPool pool) {
        ItemIndex index = new ItemIndex(dim, settings, version, pool, rows.size() >= settings.exactSearchThreshold());
        for (Row row : rows) {
            index.append(row.itemId(), row.info(), row.vector());
        }
        if (index.graphed) {
            index.connectAll(pool);
            index.graphedBelow = index.size;
        }
        index.publish(version);
        return index;
    }

    /** An item's row: id, side ids, vector (normalised by the producer). */
    public record Row(String itemId, ItemInfo info, float[] vector) {}

    public int dim() {
        return dim;
    }

    /** The version searches see now. */
    public long version() {
        return version;
    }

    /** Items live at the newest version written. */
    public int liveItems() {
        return liveItems;
    }

    /** Nodes in the graph: live items plus the replaced and deleted rows still routing. */
    public int nodes() {
        return size;
    }

    /** Rows appended since they were last inserted into the graph, which every search scans (0 without a graph). */
    public int freshRows() {
        return graphed ? size - graphedBelow : 0;
    }

    /** Whether searches walk a graph (false: an index built below the exact-search threshold scans). */
    public boolean hasGraph() {
        return graphed;
    }

    /**
     * Whether the index should be rebuilt from its live rows: enough of its nodes are dead rows, or it has outgrown
     * exact search without a graph.
     */
    public boolean degraded() {
        return rebuildReason() != null;
    }

    /** Why the index should be rebuilt (for the log), or null if it should not. */
    public String rebuildReason() {
        int nodes = size;
        int live = liveItems;
        if (!graphed && live >= settings.exactSearchThreshold()) {
            return live + " items outgrew exact search: building a search graph";
        }
        if (nodes > settings.exactSearchThreshold() && nodes - live > settings.maxDeadFraction() * nodes) {
            return (nodes - live) + " of " + nodes + " nodes are replaced or deleted rows";
        }
        return null;
    }

    /**
     * Writes a new vector for {@code itemId}, visible from {@code atVersion} once that version is published.
     *
     * @throws IllegalArgumentException if the vector's width is not the index's
     */
    public void upsert(String itemId, ItemInfo info, float[] vector, long atVersion) {
        checkWidth(itemId, vector);
        Integer previous = newestNode.get(itemId);
        if (previous != null && isLive(previous)) {
            removeNode(previous, atVersion);
        }
        append(itemId, info, vector, atVersion, previous == null ? -1 : previous);
    }

    /**
     * Inserts up to {@code max} fresh rows into the graph, oldest first, with {@link IndexSettings#insertBeamWidth()}
     * candidates each; a search keeps finding each of them meanwhile, by its scan until the insert is complete.
     *
     * @return how many were inserted
     */
    public int insertFresh(int max) {
        if (!graphed) {
            return 0;
        }
        GraphIndexBuilder builder = inserter();
        int inserted = 0;
        while (inserted < max && graphedBelow < size) {
            int node = graphedBelow;
            builder.addGraphNode(node, vectors.getVector(node));
            graphedBelow = node + 1;
            inserted++;
        }
        return inserted;
    }

    /** The builder that places fresh rows into the built graph: the build's own, or one with a narrower beam. */
    private GraphIndexBuilder inserter() {
        if (inserter == null) {
            inserter = settings.insertBeamWidth() == settings.beamWidth()
                    ? graph
                    : new GraphIndexBuilder(
                            BuildScoreProvider.randomAccessScoreProvider(vectors, SIMILARITY),
                            dim,
                            (OnHeapGraphIndex) graph.getGraph(),
                            settings.insertBeamWidth(),
                            1.2f,
                            1.2f,
                            false,
                            pool,
                            pool);
        }
        return inserter;
    }

    /** Removes {@code itemId} from {@code atVersion} on; unknown items are ignored. */
    public void delete(String itemId, long atVersion) {
        Integer node = newestNode.get(itemId);
        if (node != null && isLive(node)) {
            removeNode(node, atVersion);
        }
    }

    /** Makes {@code newVersion}'s writes visible to searches. */
    public void publish(long newVersion) {
        version = newVersion;
    }

    private void checkWidth(String itemId, float[] vector) {
        if (vector.length != dim) {
            throw new IllegalArgumentException(
                    "item " + itemId + " has a vector of width " + vector.length + ", the index holds width " + dim);
        }
    }

    private boolean isLive(int node) {
        return chunk(node).removed[offset(node)] == LIVE;
    }

    private void removeNode(int node, long atVersion) {
        chunk(node).removed[offset(node)] = relative(atVersion);
        liveItems--;
    }

    private int append(String itemId, ItemInfo info, float[] vector) {
        checkWidth(itemId, vector);
        Integer previous = newestNode.get(itemId);
        if (previous != null && isLive(previous)) {
            removeNode(previous, version);
        }
        return append(itemId, info, vector, version, previous == null ? -1 : previous);
    }

    private int append(String itemId, ItemInfo info, float[] vector, long atVersion, int previous) {
        int node = size;
        int c = node >>> CHUNK_BITS;
        if (c == chunks.length) {
            Chunk[] grown = Arrays.copyOf(chunks, c + 1);
            grown[c] = new Chunk();
            chunks = grown;
        }
        Chunk chunk = chunks[c];
        int o = offset(node);
        chunk.ids[o] = itemId;
        chunk.infos[o] = info;
        chunk.vectors[o] = VECTORS.createFloatVector(vector.clone());
        chunk.added[o] = relative(atVersion);
        chunk.removed[o] = LIVE;
        chunk.previous[o] = previous;
        newestNode.put(itemId, node);
        liveItems++;
        size = node + 1;
        return node;
    }

    private void connectAll(ForkJoinPool pool) {
        int n = size;
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(node -> graph.addGraphNode(node, vectors)))
                    .join();
        } catch (RuntimeException e) {
            throw new IllegalStateException("building the item graph failed: " + e.getMessage(), e);
        }
    }

    private int relative(long atVersion) {
        long delta = atVersion - baseVersion;
        if (delta < 0 || delta >= LIVE) {
            throw new IllegalArgumentException(
                    "version " + atVersion + " is outside this index's range from " + baseVersion);
        }
        return (int) delta;
    }

    private Chunk chunk(int node) {
        return chunks[node >>> CHUNK_BITS];
    }

    private static int offset(int node) {
        return node & (CHUNK - 1);
    }

    /** Whether {@code node} holds a live row at {@code atVersion}. */
    private boolean visibleAt(int node, int relativeVersion, int bound) {
        if (node >= bound) {
            return false;
        }
        Chunk chunk = chunk(node);
        int o = offset(node);
        return chunk.added[o] <= relativeVersion && chunk.removed[o] > relativeVersion;
    }

    /** The node holding {@code itemId} at {@code atVersion}, or -1. */
    private int nodeAt(String itemId, long atVersion) {
        Integer newest = newestNode.get(itemId);
        int rel = (int) Math.min(LIVE - 1, atVersion - baseVersion);
        int bound = size;
        for (int node = newest == null ? -1 : newest; node >= 0; node = chunk(node).previous[offset(node)]) {
            if (visibleAt(node, rel, bound)) {
                return node;
            }
        }
        return -1;
    }

    /** The vector of {@code itemId} at {@code atVersion}, or null if it has none then. */
    public float[] vector(String itemId, long atVersion) {
        int node = nodeAt(itemId, atVersion);
        return node < 0 ? null : ((float[]) chunk(node).vectors[offset(node)].get()).clone();
    }

    /** The side ids of {@code itemId} at {@code atVersion}, or null if it has none then. */
    public ItemInfo info(String itemId, long atVersion) {
        int node = nodeAt(itemId, atVersion);
        return node < 0 ? null : chunk(node).infos[offset(node)];
    }

    /**
     * The {@code k} items with the highest inner product with {@code query} at {@code atVersion}, best first, skipping
     * items {@code exclude} names; by the graph, or by a scan below the exact-search threshold.
     */
    public List<ScoredItem> search(float[] query, int k, long atVersion, ItemFilter exclude) {
        return search(query, k, atVersion, exclude, settings.searchBeamWidth());
    }

    /**
     * As {@link #search(float[], int, long, ItemFilter)}, keeping {@code searchBeamWidth} candidates (at least
     * {@code k}) during the walk instead of the configured width: wider finds more of the true top k, at more
     * vectors scored per answer.
     */
    public List<ScoredItem> search(float[] query, int k, long atVersion, ItemFilter exclude, int searchBeamWidth) {
        if (!graphed || liveItems < settings.exactSearchThreshold()) {
            return searchExact(query, k, atVersion, exclude);
        }
        checkQuery(query, atVersion);
        int rel = (int) (atVersion - baseVersion);
        // read before the size: every node below it is complete in the graph, every one from it on is scanned
        int inGraph = graphedBelow;
        int bound = size;
        List<ScoredItem> fromGraph = inGraph == 0 ? List.of() : walk(query, k, rel, inGraph, exclude, searchBeamWidth);
        if (inGraph == bound) {
            return fromGraph;
        }
        List<ScoredItem> fresh = scan(query, k, rel, inGraph, bound, exclude);
        List<ScoredItem> merged = new ArrayList<>(fromGraph.size() + fresh.size());
        merged.addAll(fromGraph);
        merged.addAll(fresh);
        merged.sort((a, b) -> Float.compare(b.score(), a.score()));
        return merged.size() > k ? new ArrayList<>(merged.subList(0, k)) : merged;
    }

    /** The graph's best {@code k} among the nodes below {@code inGraph} visible at {@code rel}. */
    private List<ScoredItem> walk(float[] query, int k, int rel, int inGraph, ItemFilter exclude, int searchBeamWidth) {
        // a node being inserted may be reached before it is complete; the scan answers for it, so the walk skips it
        IntPredicate accept = node -> visibleAt(node, rel, inGraph) && !exclude.excludes(chunk(node).ids[offset(node)]);
        // the walk ranks by ⟨q, v⟩ squashed into (0, 1): jvector's own dot-product score, (1 + ⟨q, v⟩)/2, goes below 0
        // for a long query (a user vector over τ, say), and its upper layers drop what does, which can leave a walk
        // nothing to start from; any increasing map ranks the same, and answers are scored below with ⟨q, v⟩ itself
        ScoreFunction.ExactScoreFunction walkScore = node ->
                squash(dot(query, (float[]) chunk(node).vectors[offset(node)].get()));
        SearchResult result;
        try (GraphSearcher searcher = new GraphSearcher(graph.getGraph())) {
            // no early termination: jvector otherwise stops a walk once its best candidates stop improving, which on
            // vectors without cluster structure leaves a good part of the true top 50 unfound at the same beam
            searcher.usePruning(false);
            result = searcher.search(
                    new DefaultSearchScoreProvider(walkScore), k, Math.max(k, searchBeamWidth), 0f, 0f, (Bits)
                            accept::test);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ScoredItem> items = new ArrayList<>(result.getNodes().length);
        for (SearchResult.NodeScore ns : result.getNodes()) {
            items.add(scored(ns.node, query));
        }
        items.sort((a, b) -> Float.compare(b.score(), a.score()));
        return items;
    }

    /** An increasing map of the reals onto (0, 1). */
    private static float squash(float x) {
        return 0.5f + 0.5f * x / (1 + Math.abs(x));
    }

    /** As {@link #search}, by scanning every live row: exact, the reference for recall. */
    public List<ScoredItem> searchExact(float[] query, int k, long atVersion, ItemFilter exclude) {
        checkQuery(query, atVersion);
        return scan(query, k, (int) (atVersion - baseVersion), 0, size, exclude);
    }

    /** The best {@code k} of the nodes from {@code from} to {@code bound} visible at {@code rel}, exactly. */
    private List<ScoredItem> scan(float[] query, int k, int rel, int from, int bound, ItemFilter exclude) {
        PriorityQueue<long[]> best = new PriorityQueue<>(
                k + 1, (a, b) -> Float.compare(Float.intBitsToFloat((int) a[1]), Float.intBitsToFloat((int) b[1])));
        for (int node = from; node < bound; node++) {
            if (!visibleAt(node, rel, bound)) {
                continue;
            }
            Chunk chunk = chunk(node);
            int o = offset(node);
            float score = dot(query, (float[]) chunk.vectors[o].get());
            if (best.size() < k) {
                if (!exclude.excludes(chunk.ids[o])) {
                    best.add(new long[] {node, Float.floatToIntBits(score)});
                }
            } else if (score > Float.intBitsToFloat((int) best.peek()[1]) && !exclude.excludes(chunk.ids[o])) {
                best.poll();
                best.add(new long[] {node, Float.floatToIntBits(score)});
            }
        }
        List<ScoredItem> items = new ArrayList<>(best.size());
        for (long[] entry : best) {
            items.add(scored((int) entry[0], query));
        }
        items.sort((a, b) -> Float.compare(b.score(), a.score()));
        return items;
    }

    private void checkQuery(float[] query, long atVersion) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has width " + query.length + ", the index holds width " + dim);
        }
        if (atVersion < baseVersion) {
            throw new IllegalArgumentException(
                    "version " + atVersion + " is older than this index (built at " + baseVersion + ")");
        }
    }

    private ScoredItem scored(int node, float[] query) {
        Chunk chunk = chunk(node);
        int o = offset(node);
        return new ScoredItem(chunk.ids[o], dot(query, (float[]) chunk.vectors[o].get()), chunk.infos[o]);
    }

    static float dot(float[] a, float[] b) {
        float sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /**
     * A new index holding the rows live at {@code atVersion}, built with {@code pool}'s threads while this one goes on
     * answering. The caller then applies the versions after {@code atVersion} to it and swaps it in.
     */
    public ItemIndex rebuiltAt(long atVersion, ForkJoinPool pool) {
        int rel = (int) (atVersion - baseVersion);
        int bound = size;
        List<Row> rows = new ArrayList<>(liveItems);
        for (int node = 0; node < bound; node++) {
            if (visibleAt(node, rel, bound)) {
                Chunk chunk = chunk(node);
                int o = offset(node);
                rows.add(new Row(chunk.ids[o], chunk.infos[o], (float[]) chunk.vectors[o].get()));
            }
        }
        return build(dim, settings, atVersion, rows, pool);
    }

    /** Every item id live at {@code atVersion}, in node order (tests, rebuilds). */
    public List<String> itemIds(long atVersion) {
        int rel = (int) (atVersion - baseVersion);
        int bound = size;
        List<String> ids = new ArrayList<>();
        for (int node = 0; node < bound; node++) {
            if (visibleAt(node, rel, bound)) {
                ids.add(chunk(node).ids[offset(node)]);
            }
        }
        return ids;
    }

    /** Which items a search skips. */
    @FunctionalInterface
    public interface ItemFilter {
        ItemFilter NONE = id -> false;

        boolean excludes(String itemId);
    }

    private static final class Chunk {
        final String[] ids = new String[CHUNK];
        final ItemInfo[] infos = new ItemInfo[CHUNK];
        final VectorFloat<?>[] vectors = new VectorFloat<?>[CHUNK];
        final int[] added = new int[CHUNK];
        final int[] removed = new int[CHUNK];
        final int[] previous = new int[CHUNK];
    }

    /** The nodes' vectors as jvector reads them. */
    private final class NodeVectors implements RandomAccessVectorValues {
        @Override
        public int size() {
            return size;
        }

        @Override
        public int dimension() {
            return dim;
        }

        @Override
        public VectorFloat<?> getVector(int node) {
            return chunk(node).vectors[offset(node)];
        }

        @Override
        public boolean isValueShared() {
            return false;
        }

        @Override
        public RandomAccessVectorValues copy() {
            return this;
        }
    }
}
