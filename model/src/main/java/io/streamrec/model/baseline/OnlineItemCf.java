package io.streamrec.model.baseline;

import io.streamrec.model.FrozenState;
import io.streamrec.model.PrimitiveBlocks;
import io.streamrec.model.history.SeenItems;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Item-based collaborative filtering learnt incrementally from the stream, for prequential evaluation beside the
 * model: the seeds' similarity w_ij = C_ij / (|N(i)|^(1−α) · |N(j)|^α) with the popularity penalty α, where C_ij
 * sums the user-activity weight 1/log(1+|N(u)|) over the users who took both items.
 *
 * <p>What a user took is read from the same snapshot every model gets ({@link SeenItems}: long-term history and
 * live session), so it needs no per-user state of its own. When an example's target j is new to that history,
 * |N(j)| grows by one and every (i, j) pair with the history's items i gains 1/log(2 + |history|) both ways (the
 * activity weight of the history as it stands, which the batch ItemCF computes from a user's whole record). A
 * user is recommended Σ_{i ∈ history} w_ij; items without any similarity follow a fallback order (recent popularity).
 * An item seen only in histories, never as a target (taken before the stream began), counts as taken once.
 *
 * <p><b>Memory.</b> Each item keeps at most {@code maxNeighbours} co-occurrence counts; a full row keeps its heavier
 * half, the usual heavy-hitter approximation, so memory is bounded by items × maxNeighbours × 8 bytes. Not
 * thread-safe.
 */
public final class OnlineItemCf {

    private final double alpha;
    private final int maxNeighbours;
    private final ItemIndex items = new ItemIndex();
    /** |N(i)| per item index. */
    private float[] takes = new float[1024];
    /** |N(i)|^α, kept with {@link #takes}: the penalty of a candidate. */
    private float[] takesPowAlpha = new float[1024];

    private CoOccurrences[] rows = new CoOccurrences[1024];
    /** Scratch of {@link #recommend}: scores by item index, and the indexes touched. */
    private float[] scores = new float[1024];

    private int[] touched = new int[1024];

    /**
     * @param alpha         popularity penalty α in [0, 1]
     * @param maxNeighbours co-occurrence counts kept per item (≥ 2)
     */
    public OnlineItemCf(double alpha, int maxNeighbours) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("the ItemCF popularity penalty alpha must be in [0, 1], got " + alpha);
        }
        if (maxNeighbours < 2) {
            throw new IllegalArgumentException("ItemCF needs at least 2 neighbours per item, got " + maxNeighbours);
        }
        this.alpha = alpha;
        this.maxNeighbours = maxNeighbours;
    }

    /** Learns each example's target against the history in its context. */
    public void learn(List<TrainingExample> examples) {
        for (TrainingExample e : examples) {
            learn(SeenItems.of(e.getContext()), e.getTarget().getItemId());
        }
    }

    private void learn(Set<String> history, String target) {
        if (history.contains(target)) {
            return;
        }
        int j = index(target);
        takes[j]++;
        takesPowAlpha[j] = (float) Math.pow(takes[j], alpha);
        float weight = (float) (1 / Math.log(2 + history.size()));
        for (String id : history) {
            int i = index(id);
            row(i).add(j, weight, maxNeighbours);
            row(j).add(i, weight, maxNeighbours);
        }
    }

    /**
     * The {@code k} best items for {@code context}, best first, leaving out {@code exclude}; items without any
     * similarity come from {@code fallback} in its order.
     */
    public List<String> recommend(FeatureSnapshot context, int k, Collection<String> exclude, List<String> fallback) {
        int touchedCount = 0;
        for (String id : SeenItems.of(context)) {
            int i = items.indexOf(id);
            if (i < 0 || rows[i] == null) {
                continue;
            }
            // an item known only from histories (taken before the stream began) counts as taken once
            float fromI = (float) (1 / Math.pow(Math.max(1, takes[i]), 1 - alpha));
            CoOccurrences row = rows[i];
            for (int slot = 0; slot < row.keys.length; slot++) {
                int j = row.keys[slot] - 1;
                if (j < 0) {
                    continue;
                }
                if (scores[j] == 0) {
                    touched[touchedCount++] = j;
                }
                scores[j] += row.values[slot] * fromI / takesPowAlpha[j];
            }
        }
        TopScores top = new TopScores(k);
        for (int t = 0; t < touchedCount; t++) {
            int j = touched[t];
            if (!exclude.contains(items.id(j))) {
                top.offer(j, scores[j]);
            }
            scores[j] = 0;
        }
        List<String> ranked = new ArrayList<>(k);
        for (int j : top.bestFirst()) {
            ranked.add(items.id(j));
        }
        for (int f = 0; f < fallback.size() && ranked.size() < k; f++) {
            String id = fallback.get(f);
            if (!exclude.contains(id) && !ranked.contains(id)) {
                ranked.add(id);
            }
        }
        return ranked;
    }

    /** The similarity w_ij as learnt so far (0 when the pair never co-occurred or was pruned); for tests. */
    double similarity(String i, String j) {
        int a = items.indexOf(i);
        int b = items.indexOf(j);
        if (a < 0 || b < 0 || rows[a] == null) {
            return 0;
        }
        return rows[a].get(b) / (Math.pow(Math.max(1, takes[a]), 1 - alpha) * takesPowAlpha[b]);
    }

    /** Items known so far. */
    public int items() {
        return items.size();
    }

    private int index(String id) {
        int i = items.add(id);
        if (i >= takes.length) {
            int size = Math.max(i + 1, takes.length * 2);
            takes = Arrays.copyOf(takes, size);
            takesPowAlpha = Arrays.copyOf(takesPowAlpha, size);
            rows = Arrays.copyOf(rows, size);
            scores = Arrays.copyOf(scores, size);
            touched = Arrays.copyOf(touched, size);
        }
        if (takes[i] == 0) {
            takesPowAlpha[i] = 1; // max(1, |N(i)|)^α until the item is taken in the stream
        }
        return i;
    }

    private CoOccurrences row(int i) {
        if (rows[i] == null) {
            rows[i] = new CoOccurrences();
        }
        return rows[i];
    }

    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy of the items, their takes and co-occurrence counts, as {@link #writeTo} writes them. */
    public FrozenState freeze() {
        int n = items.size();
        String[] ids = new String[n];
        float[] taken = Arrays.copyOf(takes, n);
        int[][] keys = new int[n][];
        float[][] values = new float[n][];
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = items.id(i);
            CoOccurrences row = rows[i];
            if (row != null) {
                keys[i] = row.keys.clone();
                values[i] = row.values.clone();
                sizes[i] = row.size;
            }
        }
        return out -> {
            out.writeInt(n);
            PrimitiveBlocks blocks = new PrimitiveBlocks(out);
            for (int i = 0; i < n; i++) {
                blocks.flush();
                out.writeUTF(ids[i]);
                blocks.putFloat(taken[i]).putInt(sizes[i]);
                if (keys[i] != null) {
                    for (int slot = 0; slot < keys[i].length; slot++) {
                        if (keys[i][slot] != 0) {
                            blocks.putInt(keys[i][slot] - 1).putFloat(values[i][slot]);
                        }
                    }
                }
            }
            blocks.flush();
        };
    }

    /** Reads what {@link #writeTo} wrote into this (empty) instance. */
    public void readFrom(DataInput in) throws IOException {
        if (items.size() > 0) {
            throw new IllegalStateException("read a checkpointed ItemCF into a fresh instance only");
        }
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            int index = index(in.readUTF());
            takes[index] = in.readFloat();
            takesPowAlpha[index] = (float) Math.pow(Math.max(1, takes[index]), alpha);
            int entries = in.readInt();
            for (int e = 0; e < entries; e++) {
                int j = in.readInt();
                row(index).add(j, in.readFloat(), maxNeighbours);
            }
        }
    }

    /**
     * One item's co-occurrence counts: an open-addressing map from item index + 1 (0 marks a free slot) to the
     * summed weight, at most half full; at {@code limit} entries it keeps its heavier half.
     */
    private static final class CoOccurrences {
        private int[] keys = new int[8];
        private float[] values = new float[8];
        private int size;

        void add(int item, float weight, int limit) {
            int slot = find(item + 1);
            if (keys[slot] != 0) {
                values[slot] += weight;
                return;
            }
            if (size >= limit) {
                keepHeavierHalf(limit);
                slot = find(item + 1);
            } else if (2 * (size + 1) > keys.length) {
                rehash(keys.length * 2);
                slot = find(item + 1);
            }
            keys[slot] = item + 1;
            values[slot] = weight;
            size++;
        }

        float get(int item) {
            int slot = find(item + 1);
            return keys[slot] == 0 ? 0 : values[slot];
        }

        private int find(int key) {
            int mask = keys.length - 1;
            int slot = (key * 0x9E3779B9) >>> 1 & mask;
            while (keys[slot] != 0 && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        private void keepHeavierHalf(int limit) {
            float[] sorted = new float[size];
            for (int slot = 0, n = 0; slot < keys.length; slot++) {
                if (keys[slot] != 0) {
                    sorted[n++] = values[slot];
                }
            }
            Arrays.sort(sorted);
            float threshold = sorted[size - limit / 2];
            int[] oldKeys = keys;
            float[] oldValues = values;
            keys = new int[oldKeys.length];
            values = new float[oldKeys.length];
            size = 0;
            // the heavier ones first, then ties at the threshold while room is left
            for (int pass = 0; pass < 2; pass++) {
                for (int slot = 0; slot < oldKeys.length && size < limit / 2; slot++) {
                    boolean keep = pass == 0 ? oldValues[slot] > threshold : oldValues[slot] == threshold;
                    if (oldKeys[slot] != 0 && keep) {
                        int to = find(oldKeys[slot]);
                        keys[to] = oldKeys[slot];
                        values[to] = oldValues[slot];
                        size++;
                    }
                }
            }
        }

        private void rehash(int capacity) {
            int[] oldKeys = keys;
            float[] oldValues = values;
            keys = new int[capacity];
            values = new float[capacity];
            for (int slot = 0; slot < oldKeys.length; slot++) {
                if (oldKeys[slot] != 0) {
                    int to = find(oldKeys[slot]);
                    keys[to] = oldKeys[slot];
                    values[to] = oldValues[slot];
                }
            }
        }
    }

    /** The k best (index, score) pairs with a positive score, in a primitive min-heap. */
    private static final class TopScores {
        private final int[] indexes;
        private final float[] values;
        private int size;

        TopScores(int k) {
            indexes = new int[k];
            values = new float[k];
        }

        void offer(int index, float score) {
            if (score <= 0 || indexes.length == 0) {
                return;
            }
            if (size < indexes.length) {
                indexes[size] = index;
                values[size] = score;
                for (int at = size++; at > 0 && less(at, (at - 1) / 2); at = (at - 1) / 2) {
                    swap(at, (at - 1) / 2);
                }
            } else if (better(score, index, 0)) {
                indexes[0] = index;
                values[0] = score;
                siftDown(0, size);
            }
        }

        /** Higher score first; ties by lower index (first seen). */
        int[] bestFirst() {
            int n = size;
            int[] out = new int[n];
            for (int r = n - 1; r >= 0; r--) {
                out[r] = indexes[0];
                swap(0, r);
                siftDown(0, r);
            }
            size = 0;
            return out;
        }

        private boolean better(float score, int index, int than) {
            return score > values[than] || (score == values[than] && index < indexes[than]);
        }

        private boolean less(int a, int b) {
            return values[a] < values[b] || (values[a] == values[b] && indexes[a] > indexes[b]);
        }

        private void siftDown(int at, int n) {
            while (true) {
                int smallest = at;
                int left = 2 * at + 1;
                int right = left + 1;
                if (left < n && less(left, smallest)) {
                    smallest = left;
                }
                if (right < n && less(right, smallest)) {
                    smallest = right;
                }
                if (smallest == at) {
                    return;
                }
                swap(at, smallest);
                at = smallest;
            }
        }

        private void swap(int a, int b) {
            int i = indexes[a];
            indexes[a] = indexes[b];
            indexes[b] = i;
            float v = values[a];
            values[a] = values[b];
            values[b] = v;
        }
    }
}
