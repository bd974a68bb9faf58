package io.streamrec.model.eval;

import io.streamrec.model.FrozenState;
import io.streamrec.model.baseline.OnlineItemCf;
import io.streamrec.model.baseline.RecentPopularity;
import io.streamrec.model.history.SeenItems;
import io.streamrec.model.train.Ranking;
import io.streamrec.schemas.TrainingExample;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Test-then-train scoring of a stream, the one implementation behind the streaming trainer's prequential metrics
 * and the offline {@code stream} protocol: each scored example is ranked by the model (its ranking is handed in),
 * by {@link RecentPopularity} and by {@link OnlineItemCf}, all before any of them learns that example, with the
 * same exclusions ({@link SeenItems} when seen items are excluded). HR@10, HR@50, NDCG@10 and NDCG@50 are kept
 * for all three, as rolling means over the last {@code window} scored examples and as running sums since the
 * first start, with marks along the way so that the figures over the second half of everything scored are at
 * hand at any time ({@link #secondHalf()}).
 *
 * <p>Single writer (the training thread); {@link #figures()} and {@link #totals()} are immutable readings any
 * thread may take.
 */
public final class PrequentialEvaluator {

    /** The widest cut-off, which is also the K everything ranks. */
    public static final int MAX_K = 50;

    /** Marks of the running totals kept for {@link #secondHalf()}; past this many, every other one goes. */
    private static final int MAX_MARKS = 512;

    /** What is ranked: the model and the two baselines. */
    public enum Scorer {
        MODEL,
        POPULARITY,
        ITEMCF
    }

    /** The four figures kept per scorer, in this order in the sums. */
    private static final int HIT10 = 0;

    private static final int HIT50 = 1;
    private static final int NDCG10 = 2;
    private static final int NDCG50 = 3;
    private static final int FIGURES = 4;

    /**
     * @param window           scored examples the rolling figures average over
     * @param popularityWindow recent targets the popularity baseline counts
     * @param itemCfAlpha      ItemCF's popularity penalty α
     * @param itemCfNeighbours co-occurrences ItemCF keeps per item
     * @param excludeSeen      whether rankings leave out the user's {@link SeenItems}
     */
    public record Settings(
            int window, int popularityWindow, double itemCfAlpha, int itemCfNeighbours, boolean excludeSeen) {

        public static final int DEFAULT_WINDOW = 10_000;
        public static final int DEFAULT_POPULARITY_WINDOW = 10_000;
        public static final double DEFAULT_ITEMCF_ALPHA = 0.5;
        public static final int DEFAULT_ITEMCF_NEIGHBOURS = 500;

        public Settings {
            if (window < 1 || popularityWindow < 1) {
                throw new IllegalArgumentException("the metric and popularity windows must be positive, got " + window
                        + " and " + popularityWindow);
            }
        }

        public static Settings defaults(boolean excludeSeen) {
            return new Settings(
                    DEFAULT_WINDOW,
                    DEFAULT_POPULARITY_WINDOW,
                    DEFAULT_ITEMCF_ALPHA,
                    DEFAULT_ITEMCF_NEIGHBOURS,
                    excludeSeen);
        }
    }

    /**
     * Running sums since the first start: examples scored and, per {@link Scorer}, hits at 10 and 50 and the
     * NDCG sums at 10 and 50. The figures over a stretch of the stream are the {@link #minus difference} of two.
     */
    public record Totals(long scored, double[] sums) {

        static final Totals ZERO = new Totals(0, new double[Scorer.values().length * FIGURES]);

        public double hr(Scorer scorer, int k) {
            return mean(scorer, k == 10 ? HIT10 : hit50(k));
        }

        public double ndcg(Scorer scorer, int k) {
            return mean(scorer, k == 10 ? NDCG10 : k == MAX_K ? NDCG50 : unsupported(k));
        }

        /** Hits at 50 of a scorer, as a count. */
        public long hits50(Scorer scorer) {
            return Math.round(sums[scorer.ordinal() * FIGURES + HIT50]);
        }

        private double mean(Scorer scorer, int figure) {
            return scored == 0 ? Double.NaN : sums[scorer.ordinal() * FIGURES + figure] / scored;
        }

        private static int hit50(int k) {
            return k == MAX_K ? HIT50 : unsupported(k);
        }

        private static int unsupported(int k) {
            throw new IllegalArgumentException("prequential figures are kept at 10 and " + MAX_K + ", not " + k);
        }

        public Totals minus(Totals earlier) {
            double[] d = sums.clone();
            for (int i = 0; i < d.length; i++) {
                d[i] -= earlier.sums[i];
            }
            return new Totals(scored - earlier.scored, d);
        }

        Totals plus(double[] batch, int count) {
            double[] s = sums.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] += batch[i];
            }
            return new Totals(scored + count, s);
        }
    }

    /** The rolling figures: the model's four, the baselines' HR@50 and the training loss (NaN before any). */
    public record Figures(
            double hr10,
            double hr50,
            double ndcg10,
            double ndcg50,
            double popularityHr50,
            double itemCfHr50,
            double loss,
            int examples) {}

    private final Settings settings;
    private final RecentPopularity popularity;
    private final OnlineItemCf itemCf;
    private final RollingMean[] rolling = new RollingMean[Scorer.values().length * FIGURES];
    private final RollingMean loss;
    private final List<Totals> marks = new ArrayList<>();
    private long markEvery = 1;
    private volatile Totals totals = Totals.ZERO;
    private volatile Figures figures =
            new Figures(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);

    /**
     * @param lossWindow training steps the rolling loss averages over
     */
    public PrequentialEvaluator(Settings settings, int lossWindow) {
        this.settings = settings;
        this.popularity = new RecentPopularity(settings.popularityWindow());
        this.itemCf = new OnlineItemCf(settings.itemCfAlpha(), settings.itemCfNeighbours());
        for (int i = 0; i < rolling.length; i++) {
            rolling[i] = new RollingMean(settings.window());
        }
        this.loss = new RollingMean(Math.max(1, lossWindow));
        marks.add(Totals.ZERO);
    }

    public Settings settings() {
        return settings;
    }

    /** What each example's ranking leaves out: its {@link SeenItems} when seen items are excluded, else nothing. */
    public List<Set<String>> exclusions(List<TrainingExample> examples) {
        List<Set<String>> exclude = new ArrayList<>(examples.size());
        for (TrainingExample e : examples) {
            exclude.add(settings.excludeSeen() ? SeenItems.of(e.getContext()) : Set.of());
        }
        return exclude;
    }

    /**
     * Test: records the model's {@code rankings} of {@code examples} (made with {@link #exclusions}) and ranks the
     * same examples with both baselines, which have not learnt them yet.
     */
    public void score(List<TrainingExample> examples, List<Ranking> rankings, List<Set<String>> exclude) {
        if (examples.size() != rankings.size() || examples.size() != exclude.size()) {
            throw new IllegalArgumentException("need one ranking and one exclusion per example: " + examples.size()
                    + " examples, " + rankings.size() + " rankings, " + exclude.size() + " exclusions");
        }
        if (examples.isEmpty()) {
            return;
        }
        int widest = exclude.stream().mapToInt(Set::size).max().orElse(0);
        List<String> popular = popularity.top(MAX_K + widest);
        double[] batch = new double[Totals.ZERO.sums().length];
        for (int i = 0; i < examples.size(); i++) {
            TrainingExample e = examples.get(i);
            String target = e.getTarget().getItemId();
            Ranking model = rankings.get(i);
            record(Scorer.MODEL, model.targetRank(), batch);
            List<String> popularList = without(popular, exclude.get(i));
            record(Scorer.POPULARITY, rankOf(popularList, target), batch);
            List<String> cfList = itemCf.recommend(e.getContext(), MAX_K, exclude.get(i), popularList);
            record(Scorer.ITEMCF, rankOf(cfList, target), batch);
        }
        Totals before = totals;
        Totals after = before.plus(batch, examples.size());
        totals = after;
        if (after.scored() - marks.get(marks.size() - 1).scored() >= markEvery) {
            marks.add(after);
            if (marks.size() > MAX_MARKS) {
                thinMarks();
            }
        }
        publish();
    }

    /** Train: both baselines learn the examples (every example admitted, scored or not). */
    public void learn(List<TrainingExample> examples) {
        List<String> targets = new ArrayList<>(examples.size());
        for (TrainingExample e : examples) {
            targets.add(e.getTarget().getItemId());
        }
        popularity.record(targets);
        itemCf.learn(examples);
    }

    public void recordLoss(double batchLoss) {
        loss.add(batchLoss);
        publish();
    }

    public Figures figures() {
        return figures;
    }

    public Totals totals() {
        return totals;
    }

    /**
     * The figures over the second half of the examples scored so far: the running totals less the mark nearest to
     * half of them (marks are at most 1/256 of the examples apart).
     */
    public Totals secondHalf() {
        Totals now = totals;
        long half = now.scored() / 2;
        Totals nearest = marks.get(0);
        for (Totals mark : marks) {
            if (Math.abs(mark.scored() - half) < Math.abs(nearest.scored() - half)) {
                nearest = mark;
            }
        }
        return now.minus(nearest);
    }

    private void thinMarks() {
        List<Totals> kept = new ArrayList<>(marks.size() / 2 + 1);
        for (int i = 0; i < marks.size(); i += 2) {
            kept.add(marks.get(i));
        }
        marks.clear();
        marks.addAll(kept);
        markEvery *= 2;
    }

    private void record(Scorer scorer, int rank, double[] batch) {
        int base = scorer.ordinal() * FIGURES;
        boolean ranked = rank != Ranking.UNRANKED;
        double[] values = {
            ranked && rank <= 10 ? 1 : 0,
            ranked && rank <= MAX_K ? 1 : 0,
            ranked && rank <= 10 ? discount(rank) : 0,
            ranked && rank <= MAX_K ? discount(rank) : 0
        };
        for (int f = 0; f < FIGURES; f++) {
            rolling[base + f].add(values[f]);
            batch[base + f] += values[f];
        }
    }

    /** 1/log2(rank + 1): NDCG of a single target at that rank. */
    private static double discount(int rank) {
        return 1 / (Math.log(rank + 1) / Math.log(2));
    }

    private static int rankOf(List<String> ranked, String target) {
        int at = ranked.indexOf(target);
        return at < 0 ? Ranking.UNRANKED : at + 1;
    }

    private static List<String> without(List<String> ranked, Set<String> exclude) {
        if (exclude.isEmpty()) {
            return ranked.subList(0, Math.min(MAX_K, ranked.size()));
        }
        List<String> kept = new ArrayList<>(MAX_K);
        for (String id : ranked) {
            if (!exclude.contains(id)) {
                kept.add(id);
                if (kept.size() == MAX_K) {
                    break;
                }
            }
        }
        return Collections.unmodifiableList(kept);
    }

    private void publish() {
        figures = new Figures(
                rolling(Scorer.MODEL, HIT10),
                rolling(Scorer.MODEL, HIT50),
                rolling(Scorer.MODEL, NDCG10),
                rolling(Scorer.MODEL, NDCG50),
                rolling(Scorer.POPULARITY, HIT50),
                rolling(Scorer.ITEMCF, HIT50),
                loss.mean(),
                rolling[HIT50].count());
    }

    private double rolling(Scorer scorer, int figure) {
        return rolling[scorer.ordinal() * FIGURES + figure].mean();
    }

    /** Writes the rolling windows, the totals with their marks, and both baselines. */
    public void writeTo(DataOutput out) throws IOException {
        freeze().writeTo(out);
    }

    /** A copy of the windows, totals and both baselines, as {@link #writeTo} writes them. */
    public FrozenState freeze() {
        List<FrozenState> windows = new ArrayList<>(rolling.length + 1);
        for (RollingMean m : rolling) {
            windows.add(m.freeze());
        }
        windows.add(loss.freeze());
        long every = markEvery;
        List<Totals> allTotals = new ArrayList<>(marks);
        allTotals.add(totals);
        FrozenState popularityState = popularity.freeze();
        FrozenState itemCfState = itemCf.freeze();
        return out -> {
            for (FrozenState w : windows) {
                w.writeTo(out);
            }
            out.writeLong(every);
            out.writeInt(allTotals.size());
            for (Totals t : allTotals) {
                writeTotals(out, t);
            }
            popularityState.writeTo(out);
            itemCfState.writeTo(out);
        };
    }

    /** Reads what {@link #writeTo} wrote into this fresh evaluator. */
    public void readFrom(DataInput in) throws IOException {
        for (RollingMean m : rolling) {
            m.readFrom(in);
        }
        loss.readFrom(in);
        markEvery = in.readLong();
        int n = in.readInt();
        marks.clear();
        for (int i = 0; i < n - 1; i++) {
            marks.add(readTotals(in));
        }
        totals = readTotals(in);
        popularity.readFrom(in);
        itemCf.readFrom(in);
        publish();
    }

    private static void writeTotals(DataOutput out, Totals t) throws IOException {
        out.writeLong(t.scored());
        out.writeInt(t.sums().length);
        for (double s : t.sums()) {
            out.writeDouble(s);
        }
    }

    private static Totals readTotals(DataInput in) throws IOException {
        long scored = in.readLong();
        double[] sums = new double[in.readInt()];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = in.readDouble();
        }
        return new Totals(scored, sums);
    }
}
