package io.streamrec.model.eval;

import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.UserEncoder;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.Ranking;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.Behavior;
import io.streamrec.schemas.FeatureSnapshot;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A neural two-tower model (SDM, SINE or mean pooling) trained by the streaming job's own
 * {@link OnlineTrainer}. Offline it trains for a number of epochs over shuffled batches; online it
 * takes one trainer step per prequential batch. Ranking is the trainer's exact top-K over the whole
 * item vocabulary.
 */
public final class NeuralRecommender implements SequentialRecommender {

    /**
     * Stands in for the target when asking the trainer to rank a context: the model must not see the
     * real target, and an id no vocabulary holds is never excluded or ranked.
     */
    private static final Behavior NO_TARGET = Behavior.newBuilder()
            .setEventId("")
            .setItemId("\u0000no-target")
            .setEventType("view")
            .setTimestamp(0L)
            .setWeight(1.0)
            .build();

    private static final Logger LOG = LoggerFactory.getLogger(NeuralRecommender.class);

    private final OnlineTrainer trainer;
    private final NeuralSettings budget;
    private final Random random;
    private long batchesOffered;
    private long batchesLearned;

    public NeuralRecommender(
            TrainerConfig config, Function<EncoderDimensions, UserEncoder> encoder, NeuralSettings budget) {
        this.trainer = new OnlineTrainer(config, encoder);
        this.budget = budget;
        this.random = new Random(config.get(TrainerOptions.SEED));
    }

    /** The trainer behind this model (the {@code stream} protocol drives it through the online learner). */
    public OnlineTrainer trainer() {
        return trainer;
    }

    /** The settings this model was built with. */
    public NeuralSettings settings() {
        return budget;
    }

    @Override
    public void train(List<TrainingExample> examples, TrainingProgress progress) {
        int batchSize = trainer.config().get(TrainerOptions.BATCH_SIZE);
        List<TrainingExample> order = budget.recentExamplesPerUser() == 0
                ? new ArrayList<>(examples)
                : mostRecentPerUser(examples, budget.recentExamplesPerUser());
        for (int epoch = 1; epoch <= budget.epochs(); epoch++) {
            Collections.shuffle(order, random);
            double lossSum = 0;
            int steps = 0;
            for (int from = 0; from < order.size(); from += batchSize) {
                List<TrainingExample> batch = order.subList(from, Math.min(from + batchSize, order.size()));
                float loss = trainer.step(batch);
                lossSum += loss;
                steps++;
                progress.step(epoch, from + batch.size(), order.size(), loss);
            }
            progress.epochDone(epoch, steps == 0 ? Double.NaN : lossSum / steps);
        }
    }

    /** Each user's last {@code n} examples, in their original order. */
    private static List<TrainingExample> mostRecentPerUser(List<TrainingExample> examples, int n) {
        Map<String, Integer> remaining = new HashMap<>();
        List<TrainingExample> kept = new ArrayList<>();
        for (int i = examples.size() - 1; i >= 0; i--) {
            TrainingExample e = examples.get(i);
            if (remaining.merge(EvaluationData.userOf(e), 1, Integer::sum) <= n) {
                kept.add(e);
            }
        }
        Collections.reverse(kept);
        return kept;
    }

    /** Trains on the batch, or on a {@code learnFraction} sample of batches (seeded); NaN for a skipped batch. */
    @Override
    public double learn(List<TrainingExample> batch) {
        batchesOffered++;
        if (budget.learnFraction() < 1 && random.nextDouble() >= budget.learnFraction()) {
            return Double.NaN;
        }
        batchesLearned++;
        return trainer.step(batch);
    }

    /** The share of online batches actually trained on. */
    public double learnedFraction() {
        return batchesOffered == 0 ? 1 : (double) batchesLearned / batchesOffered;
    }

    @Override
    public List<List<String>> recommend(List<FeatureSnapshot> contexts, int k, List<Set<String>> exclude) {
        List<TrainingExample> queries = new ArrayList<>(contexts.size());
        for (FeatureSnapshot context : contexts) {
            queries.add(new TrainingExample(context, NO_TARGET));
        }
        List<List<String>> lists = new ArrayList<>(contexts.size());
        for (Ranking ranking : trainer.score(queries, k, exclude)) {
            lists.add(ranking.topIds());
        }
        return lists;
    }

    @Override
    public void close() {
        if (batchesOffered > 0 && batchesLearned < batchesOffered) {
            LOG.info(
                    "trained on {} of {} online batches ({} %)",
                    batchesLearned, batchesOffered, Math.round(100 * learnedFraction()));
        }
        trainer.close();
    }
}
