package io.streamrec.model.baseline;

import io.streamrec.model.eval.SequentialRecommender;
import io.streamrec.model.eval.TrainingProgress;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Recommends the items taken most often within a recent window of event time (ending at the newest
 * example seen), the same list for every user. A null window counts all time.
 */
public final class PopularityRecommender implements SequentialRecommender {

    private record Taken(long timestamp, int item) {}

    private final Duration window;
    private final ItemIndex items = new ItemIndex();
    private final ArrayDeque<Taken> inWindow = new ArrayDeque<>();
    private float[] counts = new float[1024];
    private int[] ranking;

    public PopularityRecommender(Duration window) {
        if (window != null && (window.isNegative() || window.isZero())) {
            throw new IllegalArgumentException(
                    "the popularity window must be positive (or null for all time), got " + window);
        }
        this.window = window;
    }

    @Override
    public void train(List<TrainingExample> examples, TrainingProgress progress) {
        learn(examples);
        progress.epochDone(1, 0);
    }

    @Override
    public double learn(List<TrainingExample> batch) {
        for (TrainingExample e : batch) {
            int item = items.add(e.getTarget().getItemId());
            if (item >= counts.length) {
                counts = Arrays.copyOf(counts, counts.length * 2);
            }
            counts[item]++;
            long now = e.getTarget().getTimestamp();
            if (window != null) {
                inWindow.addLast(new Taken(now, item));
                long oldest = now - window.toMillis();
                while (inWindow.peekFirst().timestamp() < oldest) {
                    counts[inWindow.pollFirst().item()]--;
                }
            }
        }
        ranking = null;
        return Double.NaN;
    }

    @Override
    public List<List<String>> recommend(List<FeatureSnapshot> contexts, int k, List<Set<String>> exclude) {
        int[] order = ranking();
        List<List<String>> lists = new ArrayList<>(contexts.size());
        for (int c = 0; c < contexts.size(); c++) {
            lists.add(TopItems.inOrder(order, k, items, exclude.get(c)));
        }
        return lists;
    }

    /** Items by count, most taken first; ties keep first-seen order. Cached until the next update. */
    int[] ranking() {
        if (ranking == null) {
            float[] c = counts;
            ranking = IntStream.range(0, items.size())
                    .boxed()
                    .filter(i -> c[i] > 0)
                    .sorted(Comparator.comparingDouble((Integer i) -> -c[i]))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        return ranking;
    }

    ItemIndex items() {
        return items;
    }
}
