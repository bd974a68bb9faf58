package io.streamrec.serving.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class ItemIndexTest {

    private static final int DIM = 16;
    private static final IndexSettings GRAPH = IndexSettings.defaults().withExactSearchThreshold(0);

    static float[] unit(Random random, int dim) {
        float[] v = new float[dim];
        float norm = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    private static List<ItemIndex.Row> rows(int n, Random random) {
        List<ItemIndex.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new ItemIndex.Row("i" + i, new ItemInfo(null, "c" + (i % 7), null, null), unit(random, DIM)));
        }
        return rows;
    }

    private static Set<String> ids(List<ScoredItem> items) {
        return items.stream().map(ScoredItem::itemId).collect(java.util.stream.Collectors.toSet());
    }

    private static double recall(ItemIndex index, int queries, int k, long version, Random random) {
        return recall(index, queries, k, version, random, IndexSettings.DEFAULT_SEARCH_BEAM_WIDTH);
    }

    private static double recall(ItemIndex index, int queries, int k, long version, Random random, int beam) {
        int hits = 0;
        for (int q = 0; q < queries; q++) {
            float[] query = unit(random, index.dim());
            Set<String> exact = ids(index.searchExact(query, k, version, ItemIndex.ItemFilter.NONE));
            Set<String> found = ids(index.search(query, k, version, ItemIndex.ItemFilter.NONE, beam));
            found.retainAll(exact);
            hits += found.size();
        }
        return hits / (double) (queries * k);
    }

    @Test
    void theGraphFindsNearlyWhatAnExactScanFindsAndScoresAreInnerProducts() {
        Random random = new Random(1);
        ItemIndex index = ItemIndex.build(DIM, GRAPH, 1, rows(3_000, random), ForkJoinPool.commonPool());

        assertThat(recall(index, 50, 20, 1, random)).isGreaterThan(0.95);
        float[] query = unit(random, DIM);
        List<ScoredItem> top = index.search(query, 10, 1, ItemIndex.ItemFilter.NONE);
        assertThat(top).hasSize(10).isSortedAccordingTo((a, b) -> Float.compare(b.score(), a.score()));
        assertThat(top.get(0).score())
                .isEqualTo(ItemIndex.dot(query, index.vector(top.get(0).itemId(), 1)));
        assertThat(top.get(0).info().categoryId()).startsWith("c");
    }

    @Test
    void onVectorsWithoutClusterStructureAWiderBeamFindsNearlyAllOfTheTopFifty() {
        // isotropic 64-wide vectors, the hard case for a graph: no cluster leads the walk to the answer, and a walk
        // that stops early (jvector's default) leaves a good part of the top 50 unfound at any beam
        Random random = new Random(3);
        List<ItemIndex.Row> rows = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            rows.add(new ItemIndex.Row("i" + i, ItemInfo.NONE, unit(random, 64)));
        }
        ItemIndex index = ItemIndex.build(64, GRAPH, 1, rows, ForkJoinPool.commonPool());

        double narrow = recall(index, 40, 50, 1, new Random(4), 50);
        double wide = recall(index, 40, 50, 1, new Random(4), 200);
        assertThat(wide).isGreaterThan(0.95).isGreaterThan(narrow);
    }

    @Test
    void aDeltaIsInvisibleUntilPublishedAndAnOlderVersionStillAnswersWithItsOwnRows() {
        Random random = new Random(2);
        ItemIndex index = ItemIndex.build(DIM, GRAPH, 5, rows(500, random), ForkJoinPool.commonPool());
        float[] query = unit(random, DIM);
        float[] before = index.vector("i1", 5);

        index.upsert("i1", ItemInfo.NONE, query, 6);
        index.delete("i2", 6);
        index.upsert("new", ItemInfo.NONE, query, 6);

        assertThat(index.version()).isEqualTo(5);
        assertThat(ids(index.search(query, 5, 5, ItemIndex.ItemFilter.NONE))).doesNotContain("new");
        assertThat(index.vector("i1", 5)).containsExactly(before);
        assertThat(index.itemIds(5)).contains("i2").doesNotContain("new");

        index.publish(6);
        List<ScoredItem> after = index.search(query, 2, 6, ItemIndex.ItemFilter.NONE);
        assertThat(ids(after)).containsExactlyInAnyOrder("i1", "new");
        assertThat(after.get(0).score()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(index.itemIds(6)).doesNotContain("i2").contains("new").hasSize(500);
        assertThat(index.vector("i1", 5)).as("version 5 still readable").containsExactly(before);
        assertThat(index.liveItems()).isEqualTo(500);
        assertThat(index.nodes()).isEqualTo(502);
    }

    @Test
    void excludedItemsNeverComeBackAndTheAnswerStillHasK() {
        Random random = new Random(3);
        ItemIndex index = ItemIndex.build(DIM, GRAPH, 1, rows(2_000, random), ForkJoinPool.commonPool());
        float[] query = unit(random, DIM);
        Set<String> first = ids(index.search(query, 30, 1, ItemIndex.ItemFilter.NONE));

        List<ScoredItem> rest = index.search(query, 30, 1, first::contains);

        assertThat(rest).hasSize(30);
        assertThat(ids(rest)).doesNotContainAnyElementsOf(first);
    }

    @Test
    void manyUpsertsDegradeTheIndexAndARebuildKeepsTheAnswersOfItsVersion() {
        Random random = new Random(4);
        IndexSettings settings = GRAPH.withSearchBeamWidth(100);
        ItemIndex index = ItemIndex.build(DIM, settings, 1, rows(2_000, random), ForkJoinPool.commonPool());
        for (int v = 2; v <= 5; v++) {
            for (int i = 0; i < 2_000; i += 4) {
                index.upsert("i" + (i + v % 4), ItemInfo.NONE, unit(random, DIM), v);
            }
            index.publish(v);
        }
        assertThat(index.degraded()).isTrue();

        ItemIndex rebuilt = index.rebuiltAt(5, ForkJoinPool.commonPool());

        assertThat(rebuilt.degraded()).isFalse();
        assertThat(rebuilt.nodes()).isEqualTo(2_000);
        assertThat(rebuilt.itemIds(5)).containsExactlyInAnyOrderElementsOf(index.itemIds(5));
        float[] query = unit(random, DIM);
        assertThat(rebuilt.searchExact(query, 20, 5, ItemIndex.ItemFilter.NONE))
                .isEqualTo(index.searchExact(query, 20, 5, ItemIndex.ItemFilter.NONE));
        assertThat(recall(rebuilt, 30, 20, 5, random)).isGreaterThan(0.95);
        assertThatThrownBy(() -> rebuilt.search(query, 5, 4, ItemIndex.ItemFilter.NONE))
                .hasMessageContaining("older than this index");
    }

    @Test
    void belowTheThresholdASearchIsExact() {
        Random random = new Random(5);
        ItemIndex index = ItemIndex.build(
                DIM,
                IndexSettings.defaults().withExactSearchThreshold(10_000),
                1,
                rows(1_000, random),
                ForkJoinPool.commonPool());
        for (int q = 0; q < 20; q++) {
            float[] query = unit(random, DIM);
            assertThat(index.search(query, 50, 1, ItemIndex.ItemFilter.NONE))
                    .isEqualTo(index.searchExact(query, 50, 1, ItemIndex.ItemFilter.NONE));
        }
    }

    @Test
    void aSmallIndexScansWithoutAGraphUntilItOutgrowsExactSearchAndARebuildGivesItOne() {
        Random random = new Random(6);
        IndexSettings settings = IndexSettings.defaults().withExactSearchThreshold(1_000);
        ItemIndex index = ItemIndex.build(DIM, settings, 1, rows(500, random), ForkJoinPool.commonPool());
        assertThat(index.hasGraph()).isFalse();
        assertThat(index.degraded()).isFalse();

        for (int i = 500; i < 1_200; i++) {
            index.upsert("i" + i, ItemInfo.NONE, unit(random, DIM), 2);
        }
        index.publish(2);

        assertThat(index.hasGraph()).isFalse();
        assertThat(index.rebuildReason()).contains("outgrew exact search");
        float[] query = unit(random, DIM);
        assertThat(index.search(query, 50, 2, ItemIndex.ItemFilter.NONE))
                .as("still exact while it has no graph")
                .isEqualTo(index.searchExact(query, 50, 2, ItemIndex.ItemFilter.NONE));
        ItemIndex rebuilt = index.rebuiltAt(2, ForkJoinPool.commonPool());
        assertThat(rebuilt.hasGraph()).isTrue();
        assertThat(rebuilt.degraded()).isFalse();
        assertThat(rebuilt.itemIds(2)).containsExactlyInAnyOrderElementsOf(index.itemIds(2));
        assertThat(recall(rebuilt, 30, 20, 2, random)).isGreaterThan(0.95);
    }

    @Test
    void aVectorOfTheWrongWidthIsRefused() {
        ItemIndex index = new ItemIndex(DIM, GRAPH, 1);
        assertThatThrownBy(() -> index.upsert("x", ItemInfo.NONE, new float[3], 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("width 3");
    }
}
