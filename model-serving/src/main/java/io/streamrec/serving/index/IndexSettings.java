package io.streamrec.serving.index;

/**
 * How the item index is built and searched. The defaults are chosen with {@code benchmarks/run serving} for item
 * vectors that cluster, as learned embeddings do; vectors without cluster structure need a search beam several times
 * wider for the same recall.
 *
 * @param maxDegree            M: neighbours kept per node in the graph's base layer (default 32)
 * @param beamWidth            candidates considered when a node is inserted (default 100)
 * @param searchBeamWidth      candidates kept during a search, at least k (default 120)
 * @param exactSearchThreshold below this many live items a search scans them all instead of walking the graph
 *                             (default 20,000: a scan of that many 64-wide vectors is about as fast as a walk)
 * @param maxDeadFraction      once this share of the graph's nodes are replaced or deleted rows, the index is
 *                             rebuilt from its live rows in the background (default 0.3)
 */
public record IndexSettings(
        int maxDegree, int beamWidth, int searchBeamWidth, int exactSearchThreshold, double maxDeadFraction) {

    public static final int DEFAULT_MAX_DEGREE = 32;
    public static final int DEFAULT_BEAM_WIDTH = 100;
    public static final int DEFAULT_SEARCH_BEAM_WIDTH = 120;
    public static final int DEFAULT_EXACT_SEARCH_THRESHOLD = 20_000;
    public static final double DEFAULT_MAX_DEAD_FRACTION = 0.3;

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
    }

    public static IndexSettings defaults() {
        return new IndexSettings(
                DEFAULT_MAX_DEGREE,
                DEFAULT_BEAM_WIDTH,
                DEFAULT_SEARCH_BEAM_WIDTH,
                DEFAULT_EXACT_SEARCH_THRESHOLD,
                DEFAULT_MAX_DEAD_FRACTION);
    }

    public IndexSettings withSearchBeamWidth(int width) {
        return new IndexSettings(maxDegree, beamWidth, width, exactSearchThreshold, maxDeadFraction);
    }

    public IndexSettings withExactSearchThreshold(int threshold) {
        return new IndexSettings(maxDegree, beamWidth, searchBeamWidth, threshold, maxDeadFraction);
    }
}
