package io.streamrec.bench.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.serving.index.IndexSettings;
import io.streamrec.serving.index.ItemIndex;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code benchmarks/run serving}: the item index the service answers from, on N item vectors (random and
 * clustered), with deltas applied before and during the measurement:
 *
 * <ol>
 *   <li>build the index (all cores), then apply deltas (upserts of existing items, deletes, new items);
 *   <li>recall@50 of the graph search against an exact scan at the same version;
 *   <li>latency at a fixed offered rate, open loop (each query is timed from when it was due, so queueing counts),
 *       while a delta is applied every second; then the exact scan the same way at a lower rate.
 * </ol>
 *
 * Prints a table and, with {@code --summary-json}, the figures (the worse distribution's at the top level).
 */
@Command(name = "serving", mixinStandardHelpOptions = true, sortOptions = false)
public final class ServingBenchmark implements java.util.concurrent.Callable<Integer> {

    @Option(names = "--items", defaultValue = "1000000", description = "Item vectors. Default: ${DEFAULT-VALUE}.")
    int items;

    @Option(names = "--dim", defaultValue = "64", description = "Vector width. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(
            names = "--distributions",
            defaultValue = "random,clustered",
            split = ",",
            description = "Default: ${DEFAULT-VALUE}.")
    List<String> distributions;

    @Option(
            names = "--libraries",
            defaultValue = "jvector",
            split = ",",
            description = "jvector (the service's index), lucene (Lucene 9.12 HNSW through an IndexWriter and"
                    + " near-real-time readers), both, or none (only the store and service runs)."
                    + " Default: ${DEFAULT-VALUE}.")
    List<String> libraries;

    @Option(
            names = "--deltas",
            defaultValue = "5",
            description = "Deltas applied before measuring. Default: ${DEFAULT-VALUE}.")
    int deltas;

    @Option(
            names = "--delta-rows",
            defaultValue = "0",
            description =
                    "Upserted rows per delta (plus a tenth as many deletes and new items). Default: 1 % of the items.")
    int deltaRows;

    @Option(names = "--queries", defaultValue = "500", description = "Queries for recall. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(names = "--rate", defaultValue = "400", description = "Offered queries/s. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--exact-rate",
            defaultValue = "10",
            description = "Offered exact scans/s. Default: ${DEFAULT-VALUE}.")
    double exactRate;

    @Option(names = "--seconds", defaultValue = "20", description = "Seconds of load. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--threads", defaultValue = "2", description = "Threads answering. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--search-beam-width", defaultValue = "" + IndexSettings.DEFAULT_SEARCH_BEAM_WIDTH)
    int searchBeamWidth;

    @Option(
            names = "--search-beam-widths",
            split = ",",
            description = "Search beam widths to measure on the same index, each with its recall and load runs"
                    + " (jvector only). Default: --search-beam-width alone.")
    List<Integer> searchBeamWidths;

    @Option(names = "--max-degree", defaultValue = "" + IndexSettings.DEFAULT_MAX_DEGREE)
    int maxDegree;

    @Option(names = "--beam-width", defaultValue = "" + IndexSettings.DEFAULT_BEAM_WIDTH)
    int beamWidth;

    @Option(
            names = "--insert-beam-width",
            defaultValue = "" + IndexSettings.DEFAULT_INSERT_BEAM_WIDTH,
            description = "Candidates per insert of a delta's row into the built graph. Default: ${DEFAULT-VALUE}.")
    int insertBeamWidth;

    @Option(
            names = "--max-fresh-rows",
            defaultValue = "" + IndexSettings.DEFAULT_MAX_FRESH_ROWS,
            description = "Rows scanned beside the graph before inserts go beyond the budget (0: every row inserted"
                    + " as its delta is applied, unbudgeted, as before the budget existed). Default: ${DEFAULT-VALUE}.")
    int maxFreshRows;

    @Option(
            names = "--graph-cpu-share",
            defaultValue = "" + IndexSettings.DEFAULT_GRAPH_CPU_SHARE,
            description = "Share of one core graph inserts and rebuilds may take. Default: ${DEFAULT-VALUE}.")
    double graphCpuShare;

    @Option(
            names = "--compare-unbudgeted",
            description =
                    "Also measure each search beam under deltas whose rows are all inserted into the graph as"
                            + " the delta is applied (no budget, no fresh rows): the policy before the budget, in the same run.")
    boolean compareUnbudgeted;

    @Option(names = "--k", defaultValue = "50")
    int k;

    @Option(names = "--seed", defaultValue = "7")
    long seed;

    @Option(
            names = "--freshness-items",
            defaultValue = "100000",
            description =
                    "Items of the FULL the service follows in the freshness run (0 skips it). Default: ${DEFAULT-VALUE}.")
    int freshnessItems;

    @Option(names = "--freshness-samples", defaultValue = "200", description = "Default: ${DEFAULT-VALUE}.")
    int freshnessSamples;

    @Option(names = "--summary-json", paramLabel = "FILE")
    File summaryJson;

    @Option(
            names = "--http-rate",
            defaultValue = "300",
            description = "Offered HTTP requests/s in the bad-input run. Default: ${DEFAULT-VALUE}.")
    double httpRate;

    @Option(
            names = "--bad-share",
            defaultValue = "0.3",
            description = "Share of bad requests in the bad-input run. Default: ${DEFAULT-VALUE}.")
    double badShare;

    @Option(
            names = "--store-users",
            defaultValue = "2000000",
            description =
                    "Users written to the user-vector store in the store run (0 skips it). Default: ${DEFAULT-VALUE}.")
    long storeUsers;

    private FreshnessProbe.Figures service;
    private StoreProbe.Figures store;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServingBenchmark()).execute(args));
    }

    /** One distribution's figures. */
    record Result(
            String library,
            String distribution,
            int items,
            int searchBeamWidth,
            double buildSeconds,
            double deltaSeconds,
            double recallAt50,
            double offeredQps,
            double achievedQps,
            double latencyP50Ms,
            double latencyP99Ms,
            double withoutDeltasLatencyP50Ms,
            double withoutDeltasLatencyP99Ms,
            double exactOfferedQps,
            double exactLatencyP50Ms,
            double exactLatencyP99Ms,
            long deltasDuringLoad,
            String shape,
            double unbudgetedAchievedQps,
            double unbudgetedLatencyP50Ms,
            double unbudgetedLatencyP99Ms) {

        Result withExact(double p50, double p99) {
            return new Result(
                    library,
                    distribution,
                    items,
                    searchBeamWidth,
                    buildSeconds,
                    deltaSeconds,
                    recallAt50,
                    offeredQps,
                    achievedQps,
                    latencyP50Ms,
                    latencyP99Ms,
                    withoutDeltasLatencyP50Ms,
                    withoutDeltasLatencyP99Ms,
                    exactOfferedQps,
                    p50,
                    p99,
                    deltasDuringLoad,
                    shape,
                    unbudgetedAchievedQps,
                    unbudgetedLatencyP50Ms,
                    unbudgetedLatencyP99Ms);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (deltaRows == 0) {
            deltaRows = Math.max(10, items / 100);
        }
        IndexSettings settings = new IndexSettings(
                maxDegree,
                beamWidth,
                searchBeamWidth,
                0,
                IndexSettings.DEFAULT_MAX_DEAD_FRACTION,
                insertBeamWidth,
                maxFreshRows,
                graphCpuShare);
        List<Result> results = new ArrayList<>();
        for (String library : libraries) {
            if (library.equals("none")) {
                continue;
            }
            for (String distribution : distributions) {
                results.addAll(run(library, new IndexWorkload(distribution, dim, seed), settings));
            }
        }
        if (storeUsers > 0) {
            System.out.printf("[store] writing %,d user vectors%n", storeUsers);
            store = StoreProbe.measure(storeUsers, dim, seed);
            System.out.printf(
                    "[store] %,d users: %,.0f writes/s, read p50 %.0f us, p99 %.0f us; store memory %,d MB, heap after GC"
                            + " %,d MB, on disk %,d MB%n",
                    store.users(),
                    store.writesPerSecond(),
                    store.readP50Micros(),
                    store.readP99Micros(),
                    store.storeMemoryBytes() >> 20,
                    store.heapUsedBytes() >> 20,
                    store.diskBytes() >> 20);
        }
        if (freshnessItems > 0) {
            System.out.printf("[freshness] the service over Kafka, following a FULL of %,d items%n", freshnessItems);
            service = FreshnessProbe.measure(
                    freshnessItems, dim, freshnessSamples, seed, httpRate, Math.max(5, seconds / 2), badShare);
            System.out.printf(
                    "[freshness] publication on user-vectors to the first answer using it, %d vectors: p50 %.1f ms,"
                            + " p99 %.1f ms%n",
                    freshnessSamples, service.freshnessP50Ms(), service.freshnessP99Ms());
            System.out.printf(
                    "[http] good requests at %.0f/s offered: p50 %.2f ms, p99 %.2f ms alone; with %.0f%% bad requests:"
                            + " p50 %.2f ms, p99 %.2f ms (%d bad answered with a 4xx)%n",
                    httpRate,
                    service.cleanP50Ms(),
                    service.cleanP99Ms(),
                    badShare * 100,
                    service.mixedP50Ms(),
                    service.mixedP99Ms(),
                    service.badAnsweredWithError());
        }
        System.out.printf(
                "%n%-8s %-10s %9s %5s %8s %8s %9s %10s %10s %9s %9s %11s%n",
                "library",
                "vectors",
                "items",
                "beam",
                "build s",
                "recall",
                "offered",
                "achieved",
                "p50 ms",
                "p99 ms",
                "exact p99",
                "deltas(load)");
        for (Result r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %-10s %9d %5d %8.1f %8.4f %9.0f %10.1f %10.2f %9.2f %9.1f %11d%n",
                    r.library(),
                    r.distribution(),
                    r.items(),
                    r.searchBeamWidth(),
                    r.buildSeconds(),
                    r.recallAt50(),
                    r.offeredQps(),
                    r.achievedQps(),
                    r.latencyP50Ms(),
                    r.latencyP99Ms(),
                    r.exactLatencyP99Ms(),
                    r.deltasDuringLoad());
        }
        if (summaryJson != null) {
            writeSummary(results);
        }
        return 0;
    }

    private List<Result> run(String library, IndexWorkload workload, IndexSettings settings) throws Exception {
        Random random = new Random(seed);
        String tag = library + "/" + workload.kind();
        System.out.printf("[%s] generating %,d vectors of width %d%n", tag, items, dim);
        List<Candidate.Row> rows = new ArrayList<>(items);
        for (int i = 0; i < items; i++) {
            rows.add(new Candidate.Row("i" + i, workload.next(random)));
        }
        ExactReference reference = new ExactReference(rows);
        try (Candidate candidate = library.equals("lucene")
                ? new LuceneCandidate(maxDegree / 2, beamWidth, searchBeamWidth)
                : new JVectorCandidate(dim, settings)) {
            long started = System.nanoTime();
            System.out.printf("[%s] building the index%n", tag);
            candidate.build(rows);
            double buildSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("[%s] built in %.1f s%n", tag, buildSeconds);
            rows = null;
            int[] nextItem = {items};
            started = System.nanoTime();
            for (int d = 0; d < deltas; d++) {
                applyDelta(candidate, reference, workload, random, nextItem);
            }
            // recall is that of the graph holding the deltas' rows, not of the exact scan of rows waiting for it
            candidate.settle();
            double deltaSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "[%s] %d deltas (%,d upserts, %,d deletes, %,d new items each) in %.1f s; %s%n",
                    tag, deltas, deltaRows, deltaRows / 10, deltaRows / 10, deltaSeconds, candidate.shape());

            Random queryRandom = new Random(seed + 1);
            float[][] recallQueries = new float[queries][];
            List<Set<String>> truth = new ArrayList<>(queries);
            for (int q = 0; q < queries; q++) {
                recallQueries[q] = workload.next(queryRandom);
                truth.add(new HashSet<>(reference.search(recallQueries[q], k)));
            }
            List<Integer> widths =
                    candidate instanceof JVectorCandidate ? searchBeamWidths() : List.of(searchBeamWidth);
            double[] recalls = new double[widths.size()];
            for (int w = 0; w < widths.size(); w++) {
                int width = widths.get(w);
                int hits = 0;
                for (int q = 0; q < queries; q++) {
                    Set<String> found = new HashSet<>(candidate.search(recallQueries[q], k, width));
                    found.retainAll(truth.get(q));
                    hits += found.size();
                }
                recalls[w] = hits / (double) (queries * k);
                System.out.printf(
                        "[%s] search beam %d: recall@%d over %d queries: %.4f%n", tag, width, k, queries, recalls[w]);
            }

            List<Result> results = new ArrayList<>();
            double[] exact = {Double.NaN, Double.NaN, Double.NaN};
            for (int w = 0; w < widths.size(); w++) {
                int width = widths.get(w);
                double[] quiet = openLoop(workload, rate, seconds, q -> candidate.search(q, k, width));
                Loaded loaded = underDeltas(
                        candidate,
                        workload,
                        nextItem,
                        () -> openLoop(workload, rate, seconds, q -> candidate.search(q, k, width)));
                double[] graph = loaded.figures();
                double[] unbudgeted = {Double.NaN, Double.NaN, Double.NaN};
                if (compareUnbudgeted && candidate instanceof JVectorCandidate jv) {
                    // the baseline in the same run: every row inserted into the graph as its delta is applied
                    jv.unbudgeted(true);
                    try {
                        unbudgeted = underDeltas(
                                        candidate,
                                        workload,
                                        nextItem,
                                        () -> openLoop(workload, rate, seconds, q -> candidate.search(q, k, width)))
                                .figures();
                    } finally {
                        jv.unbudgeted(false);
                    }
                    System.out.printf(
                            "[%s] search beam %d: with a delta every second inserted at once (unbudgeted) achieved"
                                    + " %.1f/s, p50 %.2f ms, p99 %.2f ms; %s%n",
                            tag, width, unbudgeted[0], unbudgeted[1], unbudgeted[2], candidate.shape());
                }
                if (w == widths.size() - 1 && candidate instanceof JVectorCandidate jv) {
                    exact = underDeltas(
                                    candidate,
                                    workload,
                                    nextItem,
                                    () -> openLoop(
                                            workload,
                                            exactRate,
                                            Math.max(5, seconds / 2),
                                            q -> jv.index()
                                                    .searchExact(
                                                            q, k, jv.index().version(), ItemIndex.ItemFilter.NONE)))
                            .figures();
                }
                System.out.printf(
                        "[%s] search beam %d: offered %.0f/s; without deltas achieved %.1f/s, p50 %.2f ms, p99 %.2f ms;"
                                + " with a delta every second achieved %.1f/s, p50 %.2f ms, p99 %.2f ms (%d deltas"
                                + " applied during the load); %s%n",
                        tag,
                        width,
                        rate,
                        quiet[0],
                        quiet[1],
                        quiet[2],
                        graph[0],
                        graph[1],
                        graph[2],
                        loaded.deltas(),
                        candidate.shape());
                results.add(new Result(
                        library,
                        workload.kind(),
                        items,
                        width,
                        buildSeconds,
                        deltaSeconds,
                        recalls[w],
                        rate,
                        graph[0],
                        graph[1],
                        graph[2],
                        quiet[1],
                        quiet[2],
                        exactRate,
                        Double.NaN,
                        Double.NaN,
                        loaded.deltas(),
                        candidate.shape(),
                        unbudgeted[0],
                        unbudgeted[1],
                        unbudgeted[2]));
            }
            if (!Double.isNaN(exact[2])) {
                System.out.printf(
                        "[%s] exact scan under deltas: offered %.0f/s, achieved %.1f/s, p50 %.1f ms, p99 %.1f ms%n",
                        tag, exactRate, exact[0], exact[1], exact[2]);
            }
            List<Result> withExact = new ArrayList<>();
            for (Result r : results) {
                withExact.add(r.withExact(exact[1], exact[2]));
            }
            return withExact;
        }
    }

    private List<Integer> searchBeamWidths() {
        return searchBeamWidths == null || searchBeamWidths.isEmpty() ? List.of(searchBeamWidth) : searchBeamWidths;
    }

    /** What a load measured while deltas were applied: its figures and how many deltas went in meanwhile. */
    record Loaded(double[] figures, long deltas) {}

    /** A load that may throw. */
    @FunctionalInterface
    interface Load {
        double[] run() throws Exception;
    }

    /** Runs {@code load} while a delta is applied every second on a thread of its own, as the service's follower does. */
    private Loaded underDeltas(Candidate candidate, IndexWorkload workload, int[] nextItem, Load load)
            throws Exception {
        AtomicLong deltasDuringLoad = new AtomicLong();
        AtomicReference<Throwable> updateFailure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean(true);
        // stopped by a flag, never interrupted: Lucene's IndexWriter turns an interrupt into a failure
        Thread updater = new Thread(() -> {
            Random updates = new Random(seed + 2 + nextItem[0]);
            while (loading.get()) {
                try {
                    // between deltas the index's upkeep runs in slices within its budget, as between the follower's
                    // polls
                    long next = System.nanoTime() + 1_000_000_000L;
                    for (long now = System.nanoTime(); now < next && loading.get(); now = System.nanoTime()) {
                        long wait = Math.min(candidate.upkeep(), next - now);
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    if (!loading.get()) {
                        return;
                    }
                    applyDelta(candidate, null, workload, updates, nextItem);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    updateFailure.set(e);
                    return;
                }
                deltasDuringLoad.incrementAndGet();
            }
        });
        updater.setDaemon(true);
        updater.start();
        double[] figures;
        try {
            figures = load.run();
        } finally {
            loading.set(false);
            updater.join();
        }
        if (updateFailure.get() != null) {
            throw new IllegalStateException("applying deltas under load failed", updateFailure.get());
        }
        return new Loaded(figures, deltasDuringLoad.get());
    }

    /** One delta: upserts of existing items, deletes, new items. The reference follows when given. */
    private void applyDelta(
            Candidate candidate, ExactReference reference, IndexWorkload workload, Random random, int[] nextItem)
            throws Exception {
        int bound = nextItem[0];
        List<Candidate.Row> upserts = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        for (int i = 0; i < deltaRows; i++) {
            upserts.add(new Candidate.Row("i" + random.nextInt(bound), workload.next(random)));
        }
        for (int i = 0; i < deltaRows / 10; i++) {
            upserts.add(new Candidate.Row("i" + (nextItem[0]++), workload.next(random)));
        }
        for (int i = 0; i < deltaRows / 10; i++) {
            deletes.add("i" + random.nextInt(bound));
        }
        candidate.delta(upserts, deletes);
        if (reference != null) {
            reference.apply(upserts, deletes);
        }
    }

    /** A search that may throw. */
    @FunctionalInterface
    interface Search {
        List<?> apply(float[] query) throws Exception;
    }

    /**
     * Queries at a fixed offered rate for {@code seconds}, each timed from when it was due: returns achieved
     * queries/s, p50 ms, p99 ms.
     */
    private double[] openLoop(IndexWorkload workload, double qps, int seconds, Search search)
            throws InterruptedException {
        int total = (int) (qps * seconds);
        Random random = new Random(seed + 3);
        float[][] queries = new float[Math.min(total, 10_000)][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = workload.next(random);
        }
        // warm-up: the JIT, outside the figures
        try {
            for (int i = 0; i < Math.min(200, queries.length); i++) {
                search.apply(queries[i]);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long[] latencies = new long[total];
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        long period = (long) (1e9 / qps);
        long start = System.nanoTime() + 1_000_000;
        AtomicLong done = new AtomicLong();
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int n = i;
            workers.execute(() -> {
                try {
                    search.apply(queries[n % queries.length]);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                latencies[n] = System.nanoTime() - due;
                done.incrementAndGet();
            });
        }
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.MINUTES);
        double elapsed = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new double[] {
            done.get() / elapsed,
            latencies[(int) (total * 0.50)] / 1e6,
            latencies[Math.min(total - 1, (int) (total * 0.99))] / 1e6
        };
    }

    private void writeSummary(List<Result> results) throws java.io.IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        List<Result> all = results;
        results = results.stream()
                .filter(r -> r.library().equals(libraries.get(0)))
                .toList();
        root.put("items", items);
        if (!results.isEmpty()) {
            indexFigures(root, results);
        }
        if (service == null) {
            root.putNull("freshnessP99Ms");
        } else {
            root.put("freshnessP99Ms", round(service.freshnessP99Ms(), 1));
            root.put("freshnessItems", freshnessItems);
            root.set("service", json.valueToTree(service));
        }
        root.put("threads", threads);
        root.put("searchBeamWidth", searchBeamWidth);
        root.put("maxDegree", maxDegree);
        root.put("insertBeamWidth", insertBeamWidth);
        root.put("maxFreshRows", maxFreshRows);
        root.put("graphCpuShare", graphCpuShare);
        root.put("library", libraries.get(0));
        if (store != null) {
            root.set("store", json.valueToTree(store));
        }
        root.set("runs", json.valueToTree(all));
        json.writeValue(summaryJson, root);
        System.out.println("Summary written to " + summaryJson);
    }

    /**
     * The top-level index figures: for each distribution the narrowest search beam that reached recall 0.95 (else the
     * one with the best recall), then the worse distribution's.
     */
    private void indexFigures(ObjectNode root, List<Result> results) {
        List<Result> reported = new ArrayList<>();
        for (String distribution : distributions) {
            List<Result> runs = results.stream()
                    .filter(r -> r.distribution().equals(distribution))
                    .toList();
            runs.stream()
                    .filter(r -> r.recallAt50() >= 0.95)
                    .min((a, b) -> Integer.compare(a.searchBeamWidth(), b.searchBeamWidth()))
                    .or(() -> runs.stream().max((a, b) -> Double.compare(a.recallAt50(), b.recallAt50())))
                    .ifPresent(reported::add);
        }
        Result worstRecall = reported.stream()
                .min((a, b) -> Double.compare(a.recallAt50(), b.recallAt50()))
                .orElseThrow();
        Result worstP99 = reported.stream()
                .max((a, b) -> Double.compare(a.latencyP99Ms(), b.latencyP99Ms()))
                .orElseThrow();
        root.put("recallAt50", round(worstRecall.recallAt50(), 4));
        root.put("offeredQps", rate);
        root.put("achievedQps", round(worstP99.achievedQps(), 1));
        root.put("latencyP50Ms", round(worstP99.latencyP50Ms(), 3));
        root.put("latencyP99Ms", round(worstP99.latencyP99Ms(), 3));
        root.put(
                "exactLatencyP99Ms",
                round(
                        reported.stream()
                                .mapToDouble(Result::exactLatencyP99Ms)
                                .max()
                                .orElse(0),
                        1));
        root.put(
                "buildSeconds",
                round(reported.stream().mapToDouble(Result::buildSeconds).max().orElse(0), 1));
        ObjectNode widths = root.putObject("reportedSearchBeamWidth");
        reported.forEach(r -> widths.put(r.distribution(), r.searchBeamWidth()));
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
