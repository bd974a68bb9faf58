package io.streamrec.serving.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Fresh rows (a delta's rows not yet in the graph) are answered exactly beside the graph, and the graph work that
 * puts them in, and rebuilds, keeps to its CPU budget. Every decision is taken on a clock the test drives, so what is
 * asserted is what was decided, never how long anything took.
 */
class IndexUpkeepTest {

    private static final int DIM = 16;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final IndexSettings GRAPH = IndexSettings.defaults().withExactSearchThreshold(0);

    private static List<ItemIndex.Row> rows(int n, Random random) {
        List<ItemIndex.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new ItemIndex.Row("i" + i, ItemInfo.NONE, ItemIndexTest.unit(random, DIM)));
        }
        return rows;
    }

    private static Set<String> ids(List<ScoredItem> items) {
        Set<String> ids = new HashSet<>();
        items.forEach(i -> ids.add(i.itemId()));
        return ids;
    }

    /** A clock that moves on by {@code tick} at every reading, and by whatever the test adds. */
    private static LongSupplier ticking(AtomicLong time, long tick) {
        return () -> time.addAndGet(tick);
    }

    @Test
    void aRowUpdatedInADeltaIsFoundWithItsNewVectorAtOnceAndADeletedOneNeverComesBack() {
        Random random = new Random(11);
        ItemIndex index = ItemIndex.build(DIM, GRAPH, 1, rows(3_000, random), ForkJoinPool.commonPool());
        float[] oldI1 = index.vector("i1", 1);
        float[] oldI2 = index.vector("i2", 1);
        float[] newI1 = ItemIndexTest.unit(random, DIM);

        index.upsert("i1", ItemInfo.NONE, newI1, 2);
        index.delete("i2", 2);
        index.upsert("new", ItemInfo.NONE, oldI2, 2);
        index.publish(2);

        assertThat(index.freshRows()).as("the delta's rows wait for the graph").isEqualTo(2);
        for (int inserted = 0; inserted < 2; inserted++) {
            List<ScoredItem> byNew = index.search(newI1, 5, 2, ItemIndex.ItemFilter.NONE);
            assertThat(byNew.get(0).itemId()).isEqualTo("i1");
            assertThat(byNew.get(0).score()).isCloseTo(1f, Offset.offset(1e-5f));

            List<ScoredItem> byOld = index.search(oldI1, 50, 2, ItemIndex.ItemFilter.NONE);
            byOld.stream()
                    .filter(i -> i.itemId().equals("i1"))
                    .forEach(i -> assertThat(i.score())
                            .as("i1 is scored with its new vector only")
                            .isEqualTo(ItemIndex.dot(oldI1, newI1)));

            List<ScoredItem> byDeleted = index.search(oldI2, 50, 2, ItemIndex.ItemFilter.NONE);
            assertThat(ids(byDeleted)).doesNotContain("i2").contains("new");
            assertThat(ids(index.search(oldI2, 50, 1, ItemIndex.ItemFilter.NONE)))
                    .as("version 1 still answers with its own rows")
                    .contains("i2")
                    .doesNotContain("new");

            index.insertFresh(Integer.MAX_VALUE);
            assertThat(index.freshRows()).isZero();
        }
    }

    @Test
    void withRowsHalfInsertedAnswersAreThoseOfTheExactReferenceAtTheirVersion() {
        Random random = new Random(12);
        ItemIndex index = ItemIndex.build(DIM, GRAPH, 1, rows(3_000, random), ForkJoinPool.commonPool());
        int next = 3_000;
        for (long v = 2; v <= 4; v++) {
            for (int i = 0; i < 300; i++) {
                index.upsert("i" + random.nextInt(next), ItemInfo.NONE, ItemIndexTest.unit(random, DIM), v);
            }
            for (int i = 0; i < 30; i++) {
                index.delete("i" + random.nextInt(next), v);
                index.upsert("i" + next++, ItemInfo.NONE, ItemIndexTest.unit(random, DIM), v);
            }
            index.publish(v);
            index.insertFresh(200);
            assertThat(index.freshRows()).isGreaterThan(0);

            Set<String> live = new HashSet<>(index.itemIds(v));
            int hits = 0;
            for (int q = 0; q < 30; q++) {
                float[] query = ItemIndexTest.unit(random, DIM);
                List<ScoredItem> found = index.search(query, 20, v, ItemIndex.ItemFilter.NONE);
                assertThat(found).hasSize(20);
                for (ScoredItem item : found) {
                    assertThat(live).as("only rows live at %d", v).contains(item.itemId());
                    assertThat(item.score()).isEqualTo(ItemIndex.dot(query, index.vector(item.itemId(), v)));
                }
                Set<String> exact = ids(index.searchExact(query, 20, v, ItemIndex.ItemFilter.NONE));
                exact.retainAll(ids(found));
                hits += exact.size();
            }
            assertThat(hits / (30.0 * 20)).as("recall at version %d", v).isGreaterThan(0.95);
        }
    }

    @Test
    void insertsTakeNoMoreThanTheirShareOfTheClock() {
        Random random = new Random(13);
        IndexSettings settings = GRAPH.withUpkeep(50, 10_000, 0.25);
        ItemIndex index = ItemIndex.build(DIM, settings, 1, rows(2_000, random), ForkJoinPool.commonPool());
        for (int i = 0; i < 400; i++) {
            index.upsert("n" + i, ItemInfo.NONE, ItemIndexTest.unit(random, DIM), 2);
        }
        index.publish(2);
        AtomicLong time = new AtomicLong();
        try (IndexUpkeep upkeep = new IndexUpkeep("t", settings, ForkJoinPool.commonPool(), 1, ticking(time, MS))) {
            IndexUpkeep.Step first = upkeep.step(index);
            long slice = upkeep.rowsInserted();
            assertThat(slice)
                    .as("one slice: a row per millisecond of a 10 ms slice")
                    .isBetween(9L, 11L);
            assertThat(first.waitNanos()).as("then three times as long idle").isBetween(29 * MS, 31 * MS);

            IndexUpkeep.Step early = upkeep.step(index);
            assertThat(upkeep.rowsInserted())
                    .as("nothing before the budget allows")
                    .isEqualTo(slice);
            assertThat(early.waitNanos()).isPositive();

            int steps = 2;
            while (index.freshRows() > 0 && steps++ < 1_000) {
                IndexUpkeep.Step step = upkeep.step(index);
                time.addAndGet(Math.min(step.waitNanos(), IndexUpkeep.IDLE_NANOS));
            }
            assertThat(index.freshRows()).isZero();
            assertThat(upkeep.rowsInserted()).isEqualTo(400);
            assertThat(upkeep.catchUpRows()).isZero();
            assertThat(upkeep.insertNanos())
                    .as("inserting took at most a quarter of the time, give or take the last slice")
                    .isLessThanOrEqualTo((long) (0.25 * time.get()) + 11 * MS);
            assertThat(upkeep.insertNanos()).isEqualTo(upkeep.chargedNanos());
        }
    }

    @Test
    void pastMaxFreshRowsInsertsGoBeyondTheBudgetUntilBackUnderIt() {
        Random random = new Random(14);
        IndexSettings settings = GRAPH.withUpkeep(50, 100, 0.1);
        ItemIndex index = ItemIndex.build(DIM, settings, 1, rows(2_000, random), ForkJoinPool.commonPool());
        for (int i = 0; i < 350; i++) {
            index.upsert("n" + i, ItemInfo.NONE, ItemIndexTest.unit(random, DIM), 2);
        }
        index.publish(2);
        AtomicLong time = new AtomicLong();
        try (IndexUpkeep upkeep = new IndexUpkeep("t", settings, ForkJoinPool.commonPool(), 1, ticking(time, MS))) {
            int steps = 0;
            while (index.freshRows() > 100) {
                IndexUpkeep.Step step = upkeep.step(index);
                assertThat(step.waitNanos()).as("catching up goes on at once").isZero();
                assertThat(steps++).isLessThan(100);
            }
            assertThat(index.freshRows()).isEqualTo(100);
            assertThat(upkeep.catchUpRows()).isEqualTo(250);
            assertThat(upkeep.chargedNanos()).as("catching up is not charged").isZero();

            upkeep.step(index);
            long withinBudget = upkeep.rowsInserted();
            assertThat(withinBudget)
                    .as("back under the limit: one slice within the budget")
                    .isPositive();
            IndexUpkeep.Step deferred = upkeep.step(index);
            assertThat(upkeep.rowsInserted()).isEqualTo(withinBudget);
            assertThat(deferred.waitNanos())
                    .as("a tenth of a core: nine times the slice idle")
                    .isGreaterThan(80 * MS);
        }
    }

    @Test
    void aRebuildWaitsUntilTheBudgetHasEarnedTheLastOneAndGetsTheDeltasItMissed() throws Exception {
        Random random = new Random(15);
        IndexSettings settings = GRAPH.withMaxDeadFraction(0.1).withUpkeep(50, 10_000, 0.5);
        ItemIndex index = ItemIndex.build(DIM, settings, 1, rows(1_000, random), ForkJoinPool.commonPool());
        for (int i = 0; i < 200; i++) {
            index.upsert("i" + i, ItemInfo.NONE, ItemIndexTest.unit(random, DIM), 2);
        }
        index.publish(2);
        assertThat(index.degraded()).isTrue();
        AtomicLong time = new AtomicLong();
        ForkJoinPool pool = new ForkJoinPool(1);
        try (IndexUpkeep upkeep = new IndexUpkeep("t", settings, pool, 1, time::get)) {
            upkeep.step(index);
            assertThat(upkeep.rebuildsStarted()).isEqualTo(1);
            assertThat(upkeep.rebuilding()).isTrue();

            // a delta while the rebuild runs: applied to the answering index, replayed on the rebuilt one
            float[] late = ItemIndexTest.unit(random, DIM);
            index.upsert("late", ItemInfo.NONE, late, 3);
            upkeep.applied(target -> target.upsert("late", ItemInfo.NONE, late, 3));
            index.publish(3);
            awaitFinished(upkeep);

            time.set(TimeUnit.SECONDS.toNanos(10));
            IndexUpkeep.Step swap = upkeep.step(index);
            ItemIndex rebuilt = swap.rebuilt();
            assertThat(rebuilt).isNotNull();
            assertThat(upkeep.rebuildNanos()).as("ten seconds on one thread").isEqualTo(TimeUnit.SECONDS.toNanos(10));
            rebuilt.publish(3);
            assertThat(rebuilt.itemIds(3)).containsExactlyInAnyOrderElementsOf(index.itemIds(3));
            assertThat(rebuilt.search(late, 1, 3, ItemIndex.ItemFilter.NONE)
                            .get(0)
                            .itemId())
                    .isEqualTo("late");
            assertThat(rebuilt.freshRows())
                    .as("the missed delta's row waits for the graph")
                    .isEqualTo(1);

            for (int i = 0; i < 200; i++) {
                rebuilt.upsert("i" + (200 + i), ItemInfo.NONE, ItemIndexTest.unit(random, DIM), 4);
            }
            rebuilt.publish(4);
            assertThat(rebuilt.degraded()).isTrue();

            time.set(TimeUnit.SECONDS.toNanos(20) - 1);
            IndexUpkeep.Step deferred = upkeep.step(rebuilt);
            assertThat(upkeep.rebuildsStarted())
                    .as("half a core: ten seconds of rebuild earn ten idle")
                    .isEqualTo(1);
            assertThat(upkeep.rebuildsDeferred()).isEqualTo(1);
            assertThat(deferred.waitNanos()).isEqualTo(1);
            assertThat(upkeep.rowsInserted())
                    .as("no inserts into a graph waiting to be rebuilt")
                    .isZero();

            time.set(TimeUnit.SECONDS.toNanos(20));
            upkeep.step(rebuilt);
            assertThat(upkeep.rebuildsStarted()).isEqualTo(2);
            awaitFinished(upkeep);
        } finally {
            pool.shutdown();
        }
    }

    private static void awaitFinished(IndexUpkeep upkeep) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!upkeep.rebuildFinished()) {
            assertThat(System.nanoTime()).as("the rebuild finished").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
