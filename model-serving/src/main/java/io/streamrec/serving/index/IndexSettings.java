package io.streamrec.serving.index;

/**
 * How the item index is built, searched and kept current. The defaults are chosen with {@code benchmarks/run serving}
 * for item vectors that cluster, as learned embeddings do; vectors without cluster structure need a search beam
 * several times wider for the same recall.
 *
 * <p>Keeping the graph current is budgeted ({@link IndexUpkeep}): a delta's rows are searched by an exact scan beside
 * the graph (the fresh rows) until they are inserted into it, and those inserts, like rebuilds, take at most
 * {@code graphCpuShare} of one core over time, so that the answering threads keep the rest of the machine however
 * fast rows arrive. Only past {@code maxFreshRows} do inserts go beyond the budget, since every search scans the
 * fresh rows.
 *
 * @param maxDegree            M: neighbours kept per node in the graph's base layer (default 32)
 * @param beamWidth            candidates considered when a node is placed while a graph is built (default 100)
 * @param searchBeamWidth      candidates kept during a search, at least k (default 120)
 * @param exactSearchThreshold below this many live items a search scans them all instead of walking the graph
 *                             (default 20,000: a scan of that many 64-wide vectors is about as fast as a walk)
 * @param maxDeadFraction      once this share of the graph's nodes are replaced or deleted rows, the index is
 *                             rebuilt from its live rows in the background (default 0.3)
 * @param insertBeamWidth      candidates considered when a fresh row is inserted into a built graph (default 50:
 *                             about half the cost of {@code beamWidth}; a few inserted rows barely change recall)
 * @param maxFreshRows         fresh rows every search scans at most before inserts go beyond the budget (default
 *                             10,000; 0 inserts every row as soon as its delta is applied, unbudgeted)
 * @param graphCpuShare        share of one core graph inserts and rebuilds may take over time, in (0, 1] (default
 *                             0.5; 1 leaves them unthrottled)
 */
public record IndexSettings(
        int maxDegree,
        int beamWidth,
        int searchBeamWidth,
        int exactSearchThreshold,
        double maxDeadFraction,
        int insertBeamWidth,
        int maxFreshRows,
        double graphCpuShare) {

    public static final int DEFAULT_MAX_DEGREE = 32;
    public static final int DEFAULT_BEAM_WIDTH = 100;
    public static final int DEFAULT_SEARCH_BEAM_WIDTH = 120;
    public static final int DEFAULT_EXACT_SEARCH_THRESHOLD = 20_000;
    public static final double DEFAULT_MAX_DEAD_FRACTION = 0.3;
    public static final int DEFAULT_INSERT_BEAM_WIDTH = 50;
    public static final int DEFAULT_MAX_FRESH_ROWS = 10_000;
    public static final double DEFAULT_GRAPH_CPU_SHARE = 0.5;

    public IndexSettings {
        if (maxDegree < 2 || beamWidth < maxDegree) {
            throw new IllegalArgumentException(
                    "index maxDegree must be at least 2 and beamWidth at least maxDegree, got " + maxDegree + " and "
                            + beamWidth);
        }
        if (searchBeamWidth < 1) {
            throw new IllegalArgumentException("index searchBeamWidth must be positive, got " + searchBeamWidth);
        }
        if (exactSearchThreshold < 0) {
            throw new IllegalArgumentException(
                    "exactSearchThreshold must be >= 0 (0 always walks the graph), got " + exactSearchThreshold);
        }
        if (!(maxDeadFraction > 0 && maxDeadFraction < 1)) {
            throw new IllegalArgumentException("maxDeadFraction must be in (0, 1), got " + maxDeadFraction);
        }
        if (insertBeamWidth < maxDegree) {
            throw new IllegalArgumentException(
                    "index insertBeamWidth (--index-insert-beam-width) must be at least maxDegree (" + maxDegree
                            + "), got " + insertBeamWidth);
        }
        if (maxFreshRows < 0) {
            throw new IllegalArgumentException(
                    "maxFreshRows (--index-max-fresh-rows) must be >= 0 (0 inserts every row into the graph at once), got "
                            + maxFreshRows);
        }
        if (!(graphCpuShare > 0 && graphCpuShare <= 1)) {
            throw new IllegalArgumentException(
                    "graphCpuShare (--index-cpu-share) must be in (0, 1] (a share of one core; 1 leaves graph"
                            + " work unthrottled), got " + graphCpuShare);
        }
    }

    /** The settings of earlier versions; fresh rows are inserted as the defaults say. */
    public IndexSettings(
            int maxDegree, int beamWidth, int searchBeamWidth, int exactSearchThreshold, double maxDeadFraction) {
        this(
                maxDegree,
                beamWidth,
                searchBeamWidth,
                exactSearchThreshold,
                maxDeadFraction,
                Math.max(maxDegree, Math.min(DEFAULT_INSERT_BEAM_WIDTH, beamWidth)),
                DEFAULT_MAX_FRESH_ROWS,
                DEFAULT_GRAPH_CPU_SHARE);
    }

    public static IndexSettings defaults() {
        return new IndexSettings(
                DEFAULT_MAX_DEGREE,
                DEFAULT_BEAM_WIDTH,
                DEFAULT_SEARCH_BEAM_WIDTH,
                DEFAULT_EXACT_SEARCH_THRESHOLD,
                DEFAULT_MAX_DEAD_FRACTION,
                DEFAULT_INSERT_BEAM_WIDTH,
                DEFAULT_MAX_FRESH_ROWS,
                DEFAULT_GRAPH_CPU_SHARE);
    }

    public IndexSettings withSearchBeamWidth(int width) {
        return new IndexSettings(
                maxDegree,
                beamWidth,
                width,
                exactSearchThreshold,
                maxDeadFraction,
                insertBeamWidth,
                maxFreshRows,
                graphCpuShare);
    }

    public IndexSettings withExactSearchThreshold(int threshold) {
        return new IndexSettings(
                maxDegree,
                beamWidth,
                searchBeamWidth,
                threshold,
                maxDeadFraction,
                insertBeamWidth,
                maxFreshRows,
                graphCpuShare);
    }

    /** The same settings with fresh rows inserted with {@code beam} candidates, at most {@code maxFresh} scanned,
     * and graph work taking at most {@code cpuShare} of one core. */
    public IndexSettings withUpkeep(int beam, int maxFresh, double cpuShare) {
        return new IndexSettings(
                maxDegree, beamWidth, searchBeamWidth, exactSearchThreshold, maxDeadFraction, beam, maxFresh, cpuShare);
    }

    public IndexSettings withMaxDeadFraction(double fraction) {
        return new IndexSettings(
                maxDegree,
                beamWidth,
                searchBeamWidth,
                exactSearchThreshold,
                fraction,
                insertBeamWidth,
                maxFreshRows,
                graphCpuShare);
    }
}
