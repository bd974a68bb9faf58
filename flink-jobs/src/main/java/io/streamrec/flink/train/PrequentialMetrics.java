package io.streamrec.flink.train;

import io.streamrec.model.train.Ranking;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rolling test-then-train figures over the last {@code window} scored examples: the model's HR@10,
 * HR@50, NDCG@10 and NDCG@50 (one target per example) beside
 * the popularity baseline's HR@50 on the same examples, and the mean training loss of the last
 * {@code window / batchSize} steps. Updated by the training thread; {@link #figures()} is a consistent
 * immutable view any thread may read.
 *
 * <p>Beside the rolling window it keeps running totals since the trainer first started (checkpointed): examples
 * scored and HR@50 hits of the model and of popularity. A reader takes the difference of two readings to get
 * the hit rates over any stretch of the stream, e.g. its second half, however many examples that is.
 */
final class PrequentialMetrics {

    /** The cut-off of the widest metric, which is also the K the trainer ranks. */
    static final int MAX_K = 50;

    /** One consistent reading of the rolling figures (NaN before the first example). */
    record Figures(
            double hr10, double hr50, double ndcg10, double ndcg50, double popularityHr50, double loss, int examples) {}

    /** Running totals since the trainer first started; rates over a stretch are differences of two readings. */
    record Totals(long scored, long hits50, long popularityHits50) {}

    private final RollingMean hr10;
    private final RollingMean hr50;
    private final RollingMean ndcg10;
    private final RollingMean ndcg50;
    private final RollingMean popularityHr50;
    private final RollingMean loss;
    private volatile Figures figures =
            new Figures(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    private volatile Totals totals = new Totals(0, 0, 0);

    PrequentialMetrics(int window, int batchSize) {
        hr10 = new RollingMean(window);
        hr50 = new RollingMean(window);
        ndcg10 = new RollingMean(window);
        ndcg50 = new RollingMean(window);
        popularityHr50 = new RollingMean(window);
        loss = new RollingMean(Math.max(1, window / batchSize));
    }

    /** Adds one batch's scores: the model's rankings and the popularity top-{@value #MAX_K}, per example target. */
    void recordScores(List<Ranking> rankings, List<String> popularTop, List<String> targets) {
        Set<String> popular = new HashSet<>(popularTop.subList(0, Math.min(MAX_K, popularTop.size())));
        long hits = 0;
        long popularHits = 0;
        for (int i = 0; i < rankings.size(); i++) {
            Ranking r = rankings.get(i);
            boolean hit = r.hitAt(MAX_K);
            boolean popularHit = popular.contains(targets.get(i));
            hr10.add(r.hitAt(10) ? 1 : 0);
            hr50.add(hit ? 1 : 0);
            ndcg10.add(ndcg(r, 10));
            ndcg50.add(ndcg(r, MAX_K));
            popularityHr50.add(popularHit ? 1 : 0);
            hits += hit ? 1 : 0;
            popularHits += popularHit ? 1 : 0;
        }
        Totals before = totals;
        totals = new Totals(
                before.scored() + rankings.size(), before.hits50() + hits, before.popularityHits50() + popularHits);
        publish();
    }

    /** NDCG@k of a single target: 1/log2(rank+1) within the cut-off, else 0. */
    private static double ndcg(Ranking r, int k) {
        return r.hitAt(k) ? 1 / (Math.log(r.targetRank() + 1) / Math.log(2)) : 0;
    }

    void recordLoss(float batchLoss) {
        loss.add(batchLoss);
        publish();
    }

    Figures figures() {
        return figures;
    }

    Totals totals() {
        return totals;
    }

    private void publish() {
        figures = new Figures(
                hr10.mean(),
                hr50.mean(),
                ndcg10.mean(),
                ndcg50.mean(),
                popularityHr50.mean(),
                loss.mean(),
                hr50.count());
    }

    void writeTo(DataOutput out) throws IOException {
        for (RollingMean m : List.of(hr10, hr50, ndcg10, ndcg50, popularityHr50, loss)) {
            m.writeTo(out);
        }
        out.writeLong(totals.scored());
        out.writeLong(totals.hits50());
        out.writeLong(totals.popularityHits50());
    }

    /** Reads what {@link #writeTo} wrote. */
    void readFrom(DataInput in) throws IOException {
        for (RollingMean m : List.of(hr10, hr50, ndcg10, ndcg50, popularityHr50, loss)) {
            m.readFrom(in);
        }
        totals = new Totals(in.readLong(), in.readLong(), in.readLong());
        publish();
    }
}
