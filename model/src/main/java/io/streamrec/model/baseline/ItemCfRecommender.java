package io.streamrec.model.baseline;

import io.streamrec.model.eval.SequentialRecommender;
import io.streamrec.model.eval.TrainingProgress;
import io.streamrec.model.history.SeenItems;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Item-based collaborative filtering with the seeds' similarity:
 * w_ij = Σ_{u ∈ N(i)∩N(j)} 1/log(1+|N(u)|) / (|N(i)|^(1−α) · |N(j)|^α), where N(i) are the users
 * who took item i and N(u) the items of user u; α penalises popular candidates j. A user is
 * recommended Σ_{i ∈ recent items} w_ij, with the recent items read from the same snapshot every model
 * gets (long-term L^u_item and the live session). Items without any similarity are ranked by
 * popularity |N(j)|.
 *
 * <p>Each item keeps its {@code neighbours} most similar items only (the usual pruning; bounds memory
 * at items × neighbours). Online ({@link #learn}) the similarities are rebuilt from all examples seen
 * so far once {@code refreshEvery} new examples (or 20 % more than at the last rebuild, if fewer) have
 * arrived, so the activity weights stay exact.
 */
public final class ItemCfRecommender implements SequentialRecommender {

    private final double alpha;
    private final int neighbours;
    private final int refreshEvery;
    private final ItemIndex items = new ItemIndex();
    private final Map<String, Set<Integer>> itemsOfUser = new HashMap<>();
    private int[][] neighbourIds = new int[0][];
    private float[][] neighbourWeights = new float[0][];
    private int[] byPopularity = new int[0];
    private int pending;
    private long seen;

    /**
     * @param alpha        popularity penalty α in [0, 1]
     * @param neighbours   similar items kept per item (> 0)
     * @param refreshEvery examples between rebuilds when learning online (> 0)
     */
    public ItemCfRecommender(double alpha, int neighbours, int refreshEvery) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("the ItemCF popularity penalty alpha must be in [0, 1], got " + alpha);
        }
        if (neighbours <= 0 || refreshEvery <= 0) {
            throw new IllegalArgumentException(
                    "ItemCF neighbours and refreshEvery must be > 0, got " + neighbours + " and " + refreshEvery);
        }
        this.alpha = alpha;
        this.neighbours = neighbours;
        this.refreshEvery = refreshEvery;
    }

    @Override
    public void train(List<TrainingExample> examples, TrainingProgress progress) {
        add(examples);
        seen += examples.size();
        rebuild();
        progress.epochDone(1, 0);
    }

    @Override
    public double learn(List<TrainingExample> batch) {
        add(batch);
        pending += batch.size();
        seen += batch.size();
        // early in a stream every rebuild is cheap and the model changes fast: rebuild after 20 % growth
        if (pending >= Math.min(refreshEvery, Math.max(1, seen / 5))) {
            rebuild();
        }
        return Double.NaN;
    }

    @Override
    public List<List<String>> recommend(List<FeatureSnapshot> contexts, int k, List<Set<String>> exclude) {
        float[] scores = new float[items.size()];
        List<List<String>> lists = new ArrayList<>(contexts.size());
        for (int c = 0; c < contexts.size(); c++) {
            Arrays.fill(scores, 0);
            for (String recent : SeenItems.of(contexts.get(c))) {
                int i = items.indexOf(recent);
                if (i < 0 || i >= neighbourIds.length) {
                    continue;
                }
                int[] js = neighbourIds[i];
                float[] ws = neighbourWeights[i];
                for (int n = 0; n < js.length; n++) {
                    scores[js[n]] += ws[n];
                }
            }
            lists.add(TopItems.select(scores, k, items, exclude.get(c), byPopularity));
        }
        return lists;
    }

    private void add(List<TrainingExample> examples) {
        for (TrainingExample e : examples) {
            itemsOfUser
                    .computeIfAbsent(e.getContext().getUserId(), u -> new LinkedHashSet<>())
                    .add(items.add(e.getTarget().getItemId()));
        }
    }

    /** Recomputes every item's top neighbours: one pass per item over its users' items, Σ_u |N(u)|² in all. */
    private void rebuild() {
        pending = 0;
        int n = items.size();
        List<int[]> users = new ArrayList<>(itemsOfUser.size());
        itemsOfUser
                .values()
                .forEach(s -> users.add(s.stream().mapToInt(Integer::intValue).toArray()));
        int[] userCount = new int[n];
        List<List<Integer>> usersOfItem = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            usersOfItem.add(new ArrayList<>());
        }
        for (int u = 0; u < users.size(); u++) {
            for (int i : users.get(u)) {
                userCount[i]++;
                usersOfItem.get(i).add(u);
            }
        }
        double[] activityWeight =
                users.stream().mapToDouble(its -> 1 / Math.log(1 + its.length)).toArray();
        double[] coOccurrence = new double[n];
        int[] touched = new int[n];
        neighbourIds = new int[n][];
        neighbourWeights = new float[n][];
        for (int i = 0; i < n; i++) {
            int touchedCount = 0;
            for (int u : usersOfItem.get(i)) {
                for (int j : users.get(u)) {
                    if (j != i) {
                        if (coOccurrence[j] == 0) {
                            touched[touchedCount++] = j;
                        }
                        coOccurrence[j] += activityWeight[u];
                    }
                }
            }
            keepTopNeighbours(i, touched, touchedCount, coOccurrence, userCount);
        }
        byPopularity = IntStream.range(0, n)
                .boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -userCount[i]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    private void keepTopNeighbours(int i, int[] touched, int count, double[] coOccurrence, int[] userCount) {
        double popularityI = Math.pow(userCount[i], 1 - alpha);
        int keep = Math.min(neighbours, count);
        // a min-heap of the best `keep` (similarity, item) pairs, on primitive arrays
        double[] heapSim = new double[keep];
        int[] heapItem = new int[keep];
        int size = 0;
        for (int t = 0; t < count; t++) {
            int j = touched[t];
            double sim = coOccurrence[j] / (popularityI * Math.pow(userCount[j], alpha));
            coOccurrence[j] = 0;
            if (size < keep) {
                heapSim[size] = sim;
                heapItem[size] = j;
                siftUp(heapSim, heapItem, size++);
            } else if (sim > heapSim[0]) {
                heapSim[0] = sim;
                heapItem[0] = j;
                siftDown(heapSim, heapItem, size);
            }
        }
        neighbourIds[i] = new int[size];
        neighbourWeights[i] = new float[size];
        for (int r = size - 1; r >= 0; r--) {
            neighbourIds[i][r] = heapItem[0];
            neighbourWeights[i][r] = (float) heapSim[0];
            heapSim[0] = heapSim[r];
            heapItem[0] = heapItem[r];
            siftDown(heapSim, heapItem, r);
        }
    }

    private static void siftUp(double[] sim, int[] item, int at) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (sim[parent] <= sim[at]) {
                return;
            }
            swap(sim, item, parent, at);
            at = parent;
        }
    }

    private static void siftDown(double[] sim, int[] item, int size) {
        int at = 0;
        while (true) {
            int smallest = at;
            int left = 2 * at + 1;
            int right = left + 1;
            if (left < size && sim[left] < sim[smallest]) {
                smallest = left;
            }
            if (right < size && sim[right] < sim[smallest]) {
                smallest = right;
            }
            if (smallest == at) {
                return;
            }
            swap(sim, item, smallest, at);
            at = smallest;
        }
    }

    private static void swap(double[] sim, int[] item, int a, int b) {
        double s = sim[a];
        sim[a] = sim[b];
        sim[b] = s;
        int t = item[a];
        item[a] = item[b];
        item[b] = t;
    }

    /** The similarity w_ij as kept (0 when j is not among i's top neighbours); for tests. */
    double similarity(String i, String j) {
        int a = items.indexOf(i);
        int b = items.indexOf(j);
        if (a < 0 || b < 0 || a >= neighbourIds.length) {
            return 0;
        }
        for (int n = 0; n < neighbourIds[a].length; n++) {
            if (neighbourIds[a][n] == b) {
                return neighbourWeights[a][n];
            }
        }
        return 0;
    }
}
