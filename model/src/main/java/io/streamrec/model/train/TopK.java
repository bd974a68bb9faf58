package io.streamrec.model.train;

/** The k best (column, score) pairs seen, kept in a primitive min-heap: O(n log k), no boxing. */
final class TopK {

    private final int[] columns;
    private final float[] scores;
    private int size;

    TopK(int k) {
        columns = new int[k];
        scores = new float[k];
    }

    void offer(int column, float score) {
        if (size < columns.length) {
            columns[size] = column;
            scores[size] = score;
            siftUp(size++);
        } else if (columns.length > 0 && score > scores[0]) {
            columns[0] = column;
            scores[0] = score;
            siftDown(0);
        }
    }

    /** The kept columns, highest score first (ties: lower column first). */
    int[] columnsBestFirst() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(
                order,
                (a, b) -> scores[a] != scores[b]
                        ? Float.compare(scores[b], scores[a])
                        : Integer.compare(columns[a], columns[b]));
        int[] result = new int[size];
        for (int i = 0; i < size; i++) {
            result[i] = columns[order[i]];
        }
        return result;
    }

    private boolean less(int a, int b) {
        return scores[a] < scores[b] || (scores[a] == scores[b] && columns[a] > columns[b]);
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!less(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int smallest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < size && less(left, smallest)) {
                smallest = left;
            }
            if (right < size && less(right, smallest)) {
                smallest = right;
            }
            if (smallest == i) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    private void swap(int a, int b) {
        int c = columns[a];
        columns[a] = columns[b];
        columns[b] = c;
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
    }
}
