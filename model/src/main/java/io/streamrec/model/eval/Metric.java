package io.streamrec.model.eval;

import java.util.Collection;
import java.util.List;

/**
 * A top-K ranking metric of one ranked list against the set of items the user actually took next.
 *
 * <ul>
 *   <li>HR@K: 1 if any target is in the top K, else 0.</li>
 *   <li>Recall@K: |targets ∩ top K| / |targets| (equals HR@K for a single target).</li>
 *   <li>NDCG@K: DCG/IDCG with DCG = Σ_{rank r ≤ K, item ∈ targets} 1/log2(r+1), IDCG the DCG of a perfect list.</li>
 * </ul>
 */
public enum Metric {
    HR("HR") {
        @Override
        public double of(List<String> ranked, Collection<String> targets, int k) {
            int n = Math.min(k, ranked.size());
            for (int r = 0; r < n; r++) {
                if (targets.contains(ranked.get(r))) {
                    return 1;
                }
            }
            return 0;
        }
    },
    RECALL("Recall") {
        @Override
        public double of(List<String> ranked, Collection<String> targets, int k) {
            if (targets.isEmpty()) {
                return 0;
            }
            int n = Math.min(k, ranked.size());
            int hits = 0;
            for (int r = 0; r < n; r++) {
                hits += targets.contains(ranked.get(r)) ? 1 : 0;
            }
            return (double) hits / targets.size();
        }
    },
    NDCG("NDCG") {
        @Override
        public double of(List<String> ranked, Collection<String> targets, int k) {
            int n = Math.min(k, ranked.size());
            double dcg = 0;
            for (int r = 0; r < n; r++) {
                if (targets.contains(ranked.get(r))) {
                    dcg += discount(r);
                }
            }
            double ideal = 0;
            for (int r = 0; r < Math.min(k, targets.size()); r++) {
                ideal += discount(r);
            }
            return ideal == 0 ? 0 : dcg / ideal;
        }

        private double discount(int zeroBasedRank) {
            return 1 / (Math.log(zeroBasedRank + 2) / Math.log(2));
        }
    };

    private final String label;

    Metric(String label) {
        this.label = label;
    }

    /** The metric's value for one list; {@code ranked} holds distinct items, best first. */
    public abstract double of(List<String> ranked, Collection<String> targets, int k);

    public At at(int k) {
        return new At(this, k);
    }

    /** A metric at a cut-off, e.g. HR@50. */
    public record At(Metric metric, int k) {
        public At {
            if (k <= 0) {
                throw new IllegalArgumentException("a metric cut-off K must be > 0, got " + k);
            }
        }

        public double of(List<String> ranked, Collection<String> targets) {
            return metric.of(ranked, targets, k);
        }

        /** Parses {@code HR@10}, {@code Recall@50}, {@code NDCG@10} (case-insensitive). */
        public static At parse(String label) {
            int at = label.indexOf('@');
            if (at > 0) {
                String name = label.substring(0, at);
                for (Metric m : Metric.values()) {
                    if (m.label.equalsIgnoreCase(name)) {
                        try {
                            return new At(m, Integer.parseInt(label.substring(at + 1)));
                        } catch (NumberFormatException e) {
                            break;
                        }
                    }
                }
            }
            throw new IllegalArgumentException(
                    "unknown metric '" + label + "'; write HR@K, Recall@K or NDCG@K, e.g. HR@50");
        }

        @Override
        public String toString() {
            return metric.label + "@" + k;
        }
    }
}
