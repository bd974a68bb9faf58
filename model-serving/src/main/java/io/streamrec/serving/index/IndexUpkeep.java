package io.streamrec.serving.index;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an item index's graph current within a CPU budget, on the one thread that applies deltas, between them.
 *
 * <p>A delta only appends its rows ({@link ItemIndex#upsert}): they are searched by an exact scan beside the graph
 * (the index's fresh rows) from the version that wrote them. Each {@link #step} then does one of these, and charges
 * what it cost to one {@link GraphBudget} of {@link IndexSettings#graphCpuShare()} of a core:
 *
 * <ol>
 *   <li>a finished rebuild: handed back (below);
 *   <li>more than {@link IndexSettings#maxFreshRows()} fresh rows: a slice of inserts <i>beyond</i> the budget
 *       (every search scans the fresh rows, so their number bounds the answers' latency), logged once per episode and
 *       counted apart ({@link #catchUpRows()});
 *   <li>a degraded index ({@link ItemIndex#rebuildReason()}: dead rows, or it outgrew exact search): a rebuild from
 *       its live rows on a pool of {@code rebuildThreads}, once the budget allows; charged its wall time times its
 *       threads when it is done. The deltas applied meanwhile ({@link #applied}) are replayed on it (appends, so
 *       cheap) and it is handed back to be swapped in: answers never pause;
 *   <li>otherwise a slice of inserts of fresh rows, at most {@link #SLICE_NANOS} long, once the budget allows.
 * </ol>
 *
 * <p>The clock is the caller's (tests pass their own): every decision depends only on its readings and the index.
 */
public final class IndexUpkeep implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IndexUpkeep.class);

    /** Longest slice of inserts: a delta waits at most this long for the updating thread. */
    static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** How soon to look again when there is nothing to do or a rebuild is running. */
    public static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * What a step did for the caller.
     *
     * @param rebuilt   a rebuilt index with the missed deltas replayed, to publish at the current version and swap
     *                  in; null if none is ready
     * @param waitNanos how long the caller may wait before the next step is useful
     */
    public record Step(ItemIndex rebuilt, long waitNanos) {}

    private final String name;
    private final IndexSettings settings;
    private final GraphBudget budget;
    private final LongSupplier clock;
    private final ForkJoinPool rebuildPool;
    private final int rebuildThreads;
    private final boolean ownsPool;
    private final List<Consumer<ItemIndex>> sinceRebuild = new ArrayList<>();

    private CompletableFuture<ItemIndex> rebuild;
    private long rebuildStartedAt;
    private boolean catchingUp;
    private boolean rebuildDeferred;

    private long rowsInserted;
    private long insertNanos;
    private long catchUpRows;
    private long catchUpNanos;
    private int rebuildsStarted;
    private int rebuildsSwapped;
    private int rebuildsDeferred;
    private long rebuildNanos;

    /** Upkeep for the index of {@code name} (for the log), rebuilding on one thread of its own, on the JVM's clock. */
    public IndexUpkeep(String name, IndexSettings settings) {
        this(name, settings, new ForkJoinPool(1), 1, System::nanoTime, true);
    }

    /** Upkeep rebuilding on {@code rebuildPool} ({@code rebuildThreads} of it are charged), reading {@code clock}. */
    public IndexUpkeep(
            String name, IndexSettings settings, ForkJoinPool rebuildPool, int rebuildThreads, LongSupplier clock) {
        this(name, settings, rebuildPool, rebuildThreads, clock, false);
    }

    private IndexUpkeep(
            String name,
            IndexSettings settings,
            ForkJoinPool rebuildPool,
            int rebuildThreads,
            LongSupplier clock,
            boolean ownsPool) {
        if (rebuildThreads < 1) {
            throw new IllegalArgumentException("rebuildThreads must be at least 1, got " + rebuildThreads);
        }
        this.name = name;
        this.settings = settings;
        this.budget = new GraphBudget(settings.graphCpuShare());
        this.rebuildPool = rebuildPool;
        this.rebuildThreads = rebuildThreads;
        this.clock = clock;
        this.ownsPool = ownsPool;
    }

    /**
     * After the updating thread applied {@code change} (a delta's rows and tombstones) to the current index: kept to
     * be replayed on an index being rebuilt, which was taken before it.
     */
    public void applied(Consumer<ItemIndex> change) {
        if (rebuild != null) {
            sinceRebuild.add(change);
        }
    }

    /** Whether a rebuild is running in the background. */
    public boolean rebuilding() {
        return rebuild != null;
    }

    /** Whether a running rebuild has finished (the next step hands it back). */
    public boolean rebuildFinished() {
        return rebuild != null && rebuild.isDone();
    }

    /** One step of upkeep of {@code current}, the index answering now. */
    public Step step(ItemIndex current) {
        long now = clock.getAsLong();
        if (rebuild != null && rebuild.isDone()) {
            return finishRebuild(now);
        }
        int fresh = current.freshRows();
        if (fresh > settings.maxFreshRows()) {
            return catchUp(current, now, fresh);
        }
        if (rebuild != null) {
            // inserting into a graph about to be replaced would be wasted: its rows come back fresh in the rebuilt one
            return new Step(null, IDLE_NANOS);
        }
        if (catchingUp) {
            catchingUp = false;
            LOG.info("item index of '{}' is back to {} fresh rows; graph inserts keep to their budget", name, fresh);
        }
        String reason = current.rebuildReason();
        if (reason != null) {
            long wait = budget.waitNanos(now);
            if (wait > 0) {
                if (!rebuildDeferred) {
                    rebuildDeferred = true;
                    rebuildsDeferred++;
                }
                return new Step(null, Math.min(wait, IDLE_NANOS));
            }
            startRebuild(current, reason, now);
            return new Step(null, IDLE_NANOS);
        }
        if (fresh == 0) {
            return new Step(null, IDLE_NANOS);
        }
        long wait = budget.waitNanos(now);
        if (wait > 0) {
            return new Step(null, wait);
        }
        Slice slice = insertSlice(current, now, 0);
        rowsInserted += slice.rows();
        insertNanos += slice.end() - now;
        budget.charge(now, slice.end() - now);
        return new Step(null, current.freshRows() == 0 ? IDLE_NANOS : budget.waitNanos(slice.end()));
    }

    private Step catchUp(ItemIndex current, long now, int fresh) {
        if (!catchingUp) {
            catchingUp = true;
            LOG.warn(
                    "item rows reach the index of '{}' faster than graph inserts within {} of a core place them: {}"
                            + " fresh rows (limit {}), inserting beyond the budget until back under it"
                            + " (raise --index-cpu-share, or --index-max-fresh-rows to scan more per search)",
                    name,
                    budget.share(),
                    fresh,
                    settings.maxFreshRows());
        }
        Slice slice = insertSlice(current, now, settings.maxFreshRows());
        catchUpRows += slice.rows();
        catchUpNanos += slice.end() - now;
        return new Step(null, 0);
    }

    /** Rows inserted in one slice and the clock when it ended. */
    private record Slice(int rows, long end) {}

    /** Inserts fresh rows one by one for at most a slice, while more than {@code keepFresh} of them wait. */
    private Slice insertSlice(ItemIndex current, long start, int keepFresh) {
        int rows = 0;
        long end;
        do {
            rows += current.insertFresh(1);
            end = clock.getAsLong();
        } while (end - start < SLICE_NANOS && current.freshRows() > keepFresh);
        return new Slice(rows, end);
    }

    private void startRebuild(ItemIndex current, String reason, long now) {
        long at = current.version();
        if (current.hasGraph() || current.liveItems() >= settings.exactSearchThreshold()) {
            LOG.info("rebuilding the item index of '{}' at version {}: {}", name, at, reason);
        } else {
            // without a graph a rebuild only drops the dead rows: a copy, not worth a line every few deltas
            LOG.debug("compacting the item index of '{}' at version {}: {}", name, at, reason);
        }
        rebuildDeferred = false;
        rebuildsStarted++;
        rebuildStartedAt = now;
        rebuild = CompletableFuture.supplyAsync(() -> current.rebuiltAt(at, rebuildPool), rebuildPool);
    }

    private Step finishRebuild(long now) {
        long work = Math.max(0, now - rebuildStartedAt) * rebuildThreads;
        budget.charge(rebuildStartedAt, work);
        rebuildNanos += work;
        ItemIndex rebuilt;
        try {
            rebuilt = rebuild.join();
        } catch (RuntimeException e) {
            LOG.warn("rebuilding the item index of '{}' failed; the current one goes on answering", name, e);
            rebuild = null;
            sinceRebuild.clear();
            return new Step(null, budget.waitNanos(now));
        }
        for (Consumer<ItemIndex> missed : sinceRebuild) {
            missed.accept(rebuilt);
        }
        rebuild = null;
        sinceRebuild.clear();
        rebuildsSwapped++;
        return new Step(rebuilt, 0);
    }

    /** Fresh rows inserted into graphs within the budget. */
    public long rowsInserted() {
        return rowsInserted;
    }

    /** Time those inserts took, nanoseconds (all of it charged to the budget). */
    public long insertNanos() {
        return insertNanos;
    }

    /** Fresh rows inserted beyond the budget, while more than {@code maxFreshRows} waited. */
    public long catchUpRows() {
        return catchUpRows;
    }

    /** Time those took, nanoseconds (not charged). */
    public long catchUpNanos() {
        return catchUpNanos;
    }

    public int rebuildsStarted() {
        return rebuildsStarted;
    }

    /** Rebuilt indexes handed back to be swapped in. */
    public int rebuildsSwapped() {
        return rebuildsSwapped;
    }

    /** Times a degraded index had to wait for the budget before its rebuild could start. */
    public int rebuildsDeferred() {
        return rebuildsDeferred;
    }

    /** Core-nanoseconds charged for rebuilds (their wall time times their threads). */
    public long rebuildNanos() {
        return rebuildNanos;
    }

    /** Everything charged to the budget, core-nanoseconds. */
    public long chargedNanos() {
        return budget.chargedNanos();
    }

    /** Stops the rebuild pool if this upkeep made it. */
    @Override
    public void close() {
        if (ownsPool) {
            rebuildPool.shutdownNow();
        }
    }
}
