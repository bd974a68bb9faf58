package io.streamrec.model.eval;

import io.streamrec.model.history.SeenItems;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.online.OnlineLearner;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming trainer without Flink: a neural model learns the stream once, in event-time order, through the
 * trainer's own {@link OnlineLearner} (queue, sampling under load, replay, cross-batch negatives), scoring every
 * round before training on it with the {@link PrequentialEvaluator} of the job, popularity and ItemCF beside it.
 * It predicts what the job measures, deterministically for a seed, in a fraction of the time.
 *
 * <p><b>Load.</b> Time is simulated: examples arrive at {@code arrivalRate} a second, and training an example costs
 * 1/({@code capacity} × arrivalRate) seconds, so a capacity below 1 is a trainer that falls behind (the queue
 * samples, and about that fraction is trained) and one above 1 has room to replay. Rounds start when the learner's
 * policy says so (a batch waits, or the oldest example has waited the longest batch delay).
 *
 * <p><b>Figures.</b> The stream is leave-last-one-out's training part (every user's last example held out), so
 * its first row, protocol {@code stream}, ranks the held-out examples after the single pass, comparable with
 * {@code loo}'s multi-epoch figures; then protocol {@code stream-preq} gives the prequential figures over the
 * second half of the scored examples for the model, {@code popularity-recent} and {@code itemcf-online}, with
 * their learning curve.
 */
public final class StreamProtocol implements Protocol {

    private static final Logger LOG = LoggerFactory.getLogger(StreamProtocol.class);
    private static final int RANK_BATCH = 256;

    private final double capacity;
    private final double arrivalRate;
    private final PrequentialEvaluator.Settings evaluation;
    private final int curvePoints;

    /**
     * @param capacity    examples the trainer can train per example arriving (Infinity: never behind)
     * @param arrivalRate simulated events per second (sets how long the longest batch delay is in events)
     * @param evaluation  the prequential evaluator's settings (windows, ItemCF, seen-item exclusion)
     * @param curvePoints points of the learning curve
     */
    public StreamProtocol(
            double capacity, double arrivalRate, PrequentialEvaluator.Settings evaluation, int curvePoints) {
        if (!(capacity > 0)) {
            throw new IllegalArgumentException("the trainer's capacity must be > 0 examples per arrival, got "
                    + capacity + "; 1 keeps up exactly, below 1 samples, above 1 replays");
        }
        if (!(arrivalRate > 0) || Double.isInfinite(arrivalRate)) {
            throw new IllegalArgumentException(
                    "the simulated arrival rate must be a positive number, got " + arrivalRate);
        }
        this.capacity = capacity;
        this.arrivalRate = arrivalRate;
        this.evaluation = evaluation;
        this.curvePoints = Math.max(1, curvePoints);
    }

    @Override
    public String name() {
        return "stream";
    }

    @Override
    public List<ProtocolResult> run(
            SequentialRecommender.Factory factory,
            EvaluationData data,
            List<Metric.At> metrics,
            TrainingProgress progress) {
        long start = System.nanoTime();
        SequentialRecommender created = factory.create();
        if (!(created instanceof NeuralRecommender neural)) {
            // the baselines are scored inside the stream, beside every neural model
            created.close();
            return List.of();
        }
        try (neural) {
            LeaveLastOneOut.Split split = LeaveLastOneOut.split(data);
            List<TrainingExample> stream = split.train();
            int batchSize = neural.trainer().config().get(TrainerOptions.BATCH_SIZE);
            OnlineLearner.Policy policy = neural.settings().policy(batchSize);
            PrequentialEvaluator evaluator =
                    new PrequentialEvaluator(evaluation, Math.max(1, evaluation.window() / batchSize));
            long[] now = {0};
            OnlineLearner learner = new OnlineLearner(neural.trainer(), evaluator, policy, () -> now[0]);
            double nanosPerArrival = 1e9 / arrivalRate;
            double nanosPerTrained = nanosPerArrival / capacity;
            double trainerFreeAt = 0;
            long learnNanos = 0;
            List<ProtocolResult.CurvePoint> curve = new ArrayList<>();
            long curveEvery = Math.max(1, stream.size() / curvePoints);
            for (int a = 0; a < stream.size(); a++) {
                now[0] = (long) (a * nanosPerArrival);
                learner.offer(stream.get(a));
                while (trainerFreeAt <= now[0] && learner.roundDue()) {
                    long roundStart = System.nanoTime();
                    OnlineLearner.Round round = learner.round(true);
                    learnNanos += System.nanoTime() - roundStart;
                    trainerFreeAt =
                            Math.max(trainerFreeAt, now[0]) + (round.fresh() + round.replayed()) * nanosPerTrained;
                }
                if ((a + 1) % curveEvery == 0) {
                    curve.add(point(a + 1, evaluator, learner));
                }
                progress.step(1, a + 1, stream.size(), evaluator.figures().loss());
            }
            // the stream has ended: the trainer works through what still waits
            while (learner.queue().size() > 0) {
                now[0] = (long) Math.max(now[0] + policy.maxBatchDelay().toNanos(), trainerFreeAt);
                long roundStart = System.nanoTime();
                OnlineLearner.Round round = learner.round(true);
                learnNanos += System.nanoTime() - roundStart;
                trainerFreeAt = now[0] + (round.fresh() + round.replayed()) * nanosPerTrained;
            }
            curve.add(point(stream.size(), evaluator, learner));
            progress.epochDone(1, evaluator.figures().loss());
            LOG.info(
                    "{} streamed {} examples at capacity {}: trained {} ({}), replayed {}, {} steps",
                    factory.name(),
                    stream.size(),
                    capacity,
                    learner.trained(),
                    String.format("%.3f", learner.fractionTrained()),
                    learner.replayed(),
                    learner.steps());

            List<ProtocolResult> results = new ArrayList<>();
            MetricMeans heldOut = rankHeldOut(neural, split.test(), metrics);
            Duration training = Duration.ofNanos(learnNanos);
            Duration total = Duration.ofNanos(System.nanoTime() - start);
            results.add(new ProtocolResult(
                    factory.name(), name(), heldOut.means(), heldOut.count(), training, total, curve));
            PrequentialEvaluator.Totals half = evaluator.secondHalf();
            String preq = name() + "-preq";
            results.add(new ProtocolResult(
                    factory.name(),
                    preq,
                    figures(half, PrequentialEvaluator.Scorer.MODEL, metrics),
                    half.scored(),
                    training,
                    total,
                    curve));
            results.add(new ProtocolResult(
                    "popularity-recent",
                    preq,
                    figures(half, PrequentialEvaluator.Scorer.POPULARITY, metrics),
                    half.scored(),
                    Duration.ZERO,
                    total));
            results.add(new ProtocolResult(
                    "itemcf-online",
                    preq,
                    figures(half, PrequentialEvaluator.Scorer.ITEMCF, metrics),
                    half.scored(),
                    Duration.ZERO,
                    total));
            return results;
        }
    }

    private MetricMeans rankHeldOut(NeuralRecommender model, List<TrainingExample> test, List<Metric.At> metrics) {
        MetricMeans means = new MetricMeans(metrics);
        for (int from = 0; from < test.size(); from += RANK_BATCH) {
            List<TrainingExample> batch = test.subList(from, Math.min(from + RANK_BATCH, test.size()));
            List<FeatureSnapshot> contexts = new ArrayList<>(batch.size());
            List<Set<String>> exclude = new ArrayList<>(batch.size());
            for (TrainingExample e : batch) {
                contexts.add(e.getContext());
                exclude.add(evaluation.excludeSeen() ? SeenItems.of(e.getContext()) : Set.of());
            }
            List<List<String>> ranked = model.recommend(contexts, means.maxK(), exclude);
            for (int i = 0; i < batch.size(); i++) {
                means.add(ranked.get(i), Set.of(EvaluationData.itemOf(batch.get(i))));
            }
        }
        return means;
    }

    private static ProtocolResult.CurvePoint point(
            long examples, PrequentialEvaluator evaluator, OnlineLearner learner) {
        PrequentialEvaluator.Figures f = evaluator.figures();
        return new ProtocolResult.CurvePoint(
                examples, f.hr50(), f.popularityHr50(), f.itemCfHr50(), f.loss(), learner.fractionTrained());
    }

    /** The metrics asked for, from prequential totals: HR and Recall (one target each) and NDCG at 10 and 50. */
    static Map<Metric.At, Double> figures(
            PrequentialEvaluator.Totals totals, PrequentialEvaluator.Scorer scorer, List<Metric.At> metrics) {
        Map<Metric.At, Double> values = new LinkedHashMap<>();
        for (Metric.At m : metrics) {
            boolean kept = m.k() == 10 || m.k() == PrequentialEvaluator.MAX_K;
            double value = !kept
                    ? Double.NaN
                    : switch (m.metric()) {
                        case HR, RECALL -> totals.hr(scorer, m.k());
                        case NDCG -> totals.ndcg(scorer, m.k());
                    };
            values.put(m, value);
        }
        return values;
    }
}
