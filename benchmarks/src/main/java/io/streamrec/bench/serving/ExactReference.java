package io.streamrec.bench.serving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/** The true top-k by inner product over the current rows: what recall is measured against. */
final class ExactReference {

    private final Map<String, float[]> rows = new HashMap<>();

    ExactReference(List<Candidate.Row> initial) {
        initial.forEach(r -> rows.put(r.itemId(), r.vector()));
    }

    void apply(List<Candidate.Row> upserts, List<String> deletes) {
        upserts.forEach(r -> rows.put(r.itemId(), r.vector()));
        deletes.forEach(rows::remove);
    }

    List<String> search(float[] query, int k) {
        PriorityQueue<Map.Entry<String, Float>> best =
                new PriorityQueue<>(k + 1, (a, b) -> Float.compare(a.getValue(), b.getValue()));
        for (Map.Entry<String, float[]> e : rows.entrySet()) {
            float[] v = e.getValue();
            float s = 0;
            for (int i = 0; i < v.length; i++) {
                s += query[i] * v[i];
            }
            if (best.size() < k) {
                best.add(Map.entry(e.getKey(), s));
            } else if (s > best.peek().getValue()) {
                best.poll();
                best.add(Map.entry(e.getKey(), s));
            }
        }
        List<String> ids = new ArrayList<>();
        best.forEach(e -> ids.add(e.getKey()));
        return ids;
    }
}
