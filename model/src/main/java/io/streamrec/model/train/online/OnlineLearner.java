package io.streamrec.model.train.online;

import io.streamrec.config.Check;
import io.streamrec.config.Option;
import io.streamrec.config.OptionTable;
import io.streamrec.config.Settings;
import io.streamrec.model.eval.PrequentialEvaluator;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Online learning from a stream, test-then-train, as one policy shared by the streaming trainer operator and the
 * offline {@code stream} protocol (which replays a dataset through it without Flink, so what is tuned offline is
 * what runs online).
 *
 * <p><b>A round.</b> Up to one batch of fresh examples leaves the {@link ExampleQueue} in arrival order; their ids
 * enter the vocabularies; when asked, the model scores them (exact top-K over every item) and the
 * {@link PrequentialEvaluator} records that ranking beside the baselines' on the same examples; the baselines learn
 * them; then one optimiser step trains on the fresh examples, topped up with replayed ones, with cross-batch
 * negatives drawn from recent targets; finally the fresh examples join the {@link ReplayBuffer}.
 *
 * <p><b>From the first example.</b> There is no minimum buffer: a round is due when a batch is queued or when the
 * oldest queued example has waited {@link Policy#maxBatchDelay} (the caller decides when, with
 * {@link ExampleQueue#roundDue}); a short stream is trained on in full.
 *
 * <p><b>Load.</b> A trainer that falls behind leaves examples in the queue, which turns into a uniform reservoir
 * over the backlog once full (see {@link ExampleQueue}); every round then trains a full batch of fresh examples
 * and nothing is replayed. A trainer with spare capacity finds fewer than a batch waiting and fills the step with up
 * to {@link Policy#replayRatio} replayed examples per fresh one, drawn uniformly from the last
 * {@link Policy#replayCapacity} trained; so a time-ordered stream's per-user bursts are trained mixed with other
 * users, and a quiet stream is learnt more than once. {@link #trained()} counts fresh examples only.
 *
 * <p>Single-threaded, except {@link #offer} and the volatile counters.
 */
public final class OnlineLearner {

    /**
     * How the learner takes examples; declared once in {@link #OPTIONS} (the job's {@code --trainer-queue-capacity},
     * ..., offline evaluation's {@code --setting trainer-replay-ratio=...}).
     *
     * @param queueCapacity  examples waiting in memory to be trained, and the most a checkpoint keeps
     * @param backlogCapacity examples waiting serialised behind them before the queue samples
     * @param maxBatchDelay  longest an example waits for a full batch before a partial one is trained
     * @param replayRatio    most replayed examples per fresh one in a step (0: no replay); never past a batch
     * @param replayCapacity recent trained examples kept for replay and cross-batch negatives
     * @param seed           seeds the queue's sampling and the replay draws
     */
    public record Policy(
            int queueCapacity,
            int backlogCapacity,
            Duration maxBatchDelay,
            double replayRatio,
            int replayCapacity,
            long seed) {

        public static final int DEFAULT_QUEUED_BATCHES = 16;
        public static final int DEFAULT_BACKLOG_BATCHES = 256;

        public static final Option<Integer> QUEUE_CAPACITY = Option.key("trainer-queue-capacity")
                .intType()
                .noDefaultValue()
                .withDefaultText(DEFAULT_QUEUED_BATCHES + " batches")
                .withDescription("Examples waiting for the training thread; a trainer that falls behind samples the"
                        + " waiting examples uniformly rather than hold back the vectors.")
                .withCheck(Check.atLeast(1));

        public static final Option<Integer> BACKLOG_CAPACITY = Option.key("trainer-backlog-capacity")
                .intType()
                .noDefaultValue()
                .withDefaultText(DEFAULT_BACKLOG_BATCHES + " batches")
                .withDescription("Examples that wait serialised behind the queue (a few kB each), so a burst the"
                        + " trainer cannot take at once is trained once it has passed; only past queue and backlog"
                        + " does the trainer sample. A checkpoint keeps the queue's worth of them (0: no backlog).")
                .withCheck(Check.atLeast(0));

        public static final Option<Duration> MAX_BATCH_DELAY = Option.key("trainer-max-batch-delay")
                .durationType()
                .defaultValue(Duration.ofMillis(200))
                .withDescription("Longest an example waits for a full batch before a partial one is trained: training"
                        + " starts with the first examples, and a short stream is trained on in full.")
                .withCheck(Check.notNegative());

        public static final Option<Double> REPLAY_RATIO = Option.key("trainer-replay-ratio")
                .doubleType()
                .defaultValue(1.0)
                .withDescription("Most replayed recent examples per fresh one in a step when the trainer has room (0:"
                        + " no replay); a trainer that falls behind replays nothing.")
                .withCheck(Check.of(r -> r >= 0 && Double.isFinite(r), "set it to a finite number, 0 or more"));

        public static final Option<Integer> REPLAY_CAPACITY = Option.key("trainer-replay-capacity")
                .intType()
                .defaultValue(8192)
                .withDescription("Recent trained examples kept for replay and for cross-batch negatives.")
                .withCheck(Check.atLeast(0));

        public static final Option<Long> SAMPLING_SEED = Option.key("trainer-sampling-seed")
                .longType()
                .defaultValue(1L)
                .withDescription("Seed of the sampling when the trainer's queue is full, and of the replay draws.");

        /** The online learner's options. */
        public static final OptionTable OPTIONS = OptionTable.builder("online learner options")
                .section(
                        "Online learning",
                        QUEUE_CAPACITY,
                        BACKLOG_CAPACITY,
                        MAX_BATCH_DELAY,
                        REPLAY_RATIO,
                        REPLAY_CAPACITY,
                        SAMPLING_SEED)
                .build();

        public Policy {
            QUEUE_CAPACITY.require(queueCapacity);
            BACKLOG_CAPACITY.require(backlogCapacity);
            MAX_BATCH_DELAY.require(maxBatchDelay);
            REPLAY_RATIO.require(replayRatio);
            REPLAY_CAPACITY.require(replayCapacity);
        }

        /** The policy {@code settings} give (values of {@link #OPTIONS}; others ignored) for {@code batchSize}. */
        public static Policy of(Settings settings, int batchSize) {
            Integer queue = settings.get(QUEUE_CAPACITY);
            Integer backlog = settings.get(BACKLOG_CAPACITY);
            return new Policy(
                    queue != null ? queue : DEFAULT_QUEUED_BATCHES * batchSize,
                    backlog != null ? backlog : DEFAULT_BACKLOG_BATCHES * batchSize,
                    settings.get(MAX_BATCH_DELAY),
                    settings.get(REPLAY_RATIO),
                    settings.get(REPLAY_CAPACITY),
                    settings.get(SAMPLING_SEED));
        }

        public static Policy defaults(int batchSize) {
            return of(Settings.empty(), batchSize);
        }
    }

    /**
     * What one round did.
     *
     * @param fresh    examples taken from the queue
     * @param replayed replayed examples trained with them
     * @param scored   fresh examples scored (all or none)
     * @param loss     the step's loss (NaN when no step ran)
     * @param trained  whether the step's update was applied (false for a dropped, non-finite step)
     * @param users    distinct users in the trained batch
     * @param batch    the trained batch (fresh, then replayed examples)
     */
    public record Round(
            int fresh, int replayed, int scored, float loss, boolean trained, int users, List<TrainingExample> batch) {
        public static final Round NONE = new Round(0, 0, 0, Float.NaN, false, 0, List.of());
    }

    /** The backlog's form of an example: Avro binary, as checkpoints write queued examples. */
    private static final ExampleQueue.Codec<TrainingExample> EXAMPLE_CODEC = new ExampleQueue.Codec<>() {
        private final AvroBinaryCodec<TrainingExample> avro = AvroBinaryCodec.of(TrainingExample.class);

        @Override
        public byte[] encode(TrainingExample example) {
            return avro.encode(example);
        }

        @Override
        public TrainingExample decode(byte[] bytes) {
            return avro.decode(bytes);
        }
    };

    private final OnlineTrainer trainer;
    private final PrequentialEvaluator evaluator;
    private final ExampleQueue<TrainingExample> queue;
    private final ReplayBuffer<TrainingExample> replay;
    private final Policy policy;
    private final int batchSize;
    private double replayCredit;
    private volatile long trained;
    private volatile long replayed;
    private volatile long steps;
    private volatile long scoreNanos;

    public OnlineLearner(OnlineTrainer trainer, PrequentialEvaluator evaluator, Policy policy) {
        this(trainer, evaluator, policy, System::nanoTime);
    }

    /** A learner whose queue reads waiting times from {@code clock} (a virtual clock in simulations). */
    public OnlineLearner(OnlineTrainer trainer, PrequentialEvaluator evaluator, Policy policy, LongSupplier clock) {
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.policy = policy;
        this.batchSize = trainer.config().get(TrainerOptions.BATCH_SIZE);
        this.queue = new ExampleQueue<>(
                policy.queueCapacity(), policy.backlogCapacity(), EXAMPLE_CODEC, policy.seed(), clock);
        this.replay = new ReplayBuffer<>(policy.replayCapacity(), policy.seed() * 31 + 7);
    }

    /** Hands an example to the learner; returns at once (any thread). */
    public void offer(TrainingExample example) {
        queue.offer(example);
    }

    /** Whether a round is due now (see {@link Policy#maxBatchDelay}). */
    public boolean roundDue() {
        return queue.roundDue(batchSize, policy.maxBatchDelay().toNanos());
    }

    /**
     * One round on what waits (nothing when nothing does): take up to a batch of fresh examples, score them when
     * {@code score}, let the baselines learn them, train one step on them with replays.
     */
    public Round round(boolean score) {
        List<TrainingExample> fresh = queue.poll(batchSize);
        if (fresh.isEmpty()) {
            return Round.NONE;
        }
        trainer.admit(fresh);
        List<TrainingExample> batch = new ArrayList<>(batchSize);
        batch.addAll(fresh);
        List<TrainingExample> again = replay.draw(replays(fresh.size()));
        batch.addAll(again);
        List<String> negatives = new ArrayList<>();
        for (TrainingExample e : replay.draw(trainer.config().get(TrainerOptions.RECENT_NEGATIVES))) {
            negatives.add(e.getTarget().getItemId());
        }
        List<Set<String>> exclude = score ? evaluator.exclusions(fresh) : List.of();
        long skippedBefore = trainer.skippedSteps();
        long rankedBefore = trainer.scoreNanos();
        // test-then-train in one pass: the fresh examples are ranked from the step's own forward pass, before its
        // update
        OnlineTrainer.StepResult result = trainer.step(batch, negatives, score ? fresh.size() : 0, exclude);
        long start = System.nanoTime();
        if (score) {
            evaluator.score(fresh, result.rankings(), exclude);
        }
        evaluator.learn(fresh);
        scoreNanos += System.nanoTime() - start + trainer.scoreNanos() - rankedBefore;
        float loss = result.loss();
        steps++;
        boolean applied = trainer.skippedSteps() == skippedBefore;
        if (applied) {
            trained += fresh.size();
            replayed += again.size();
            evaluator.recordLoss(loss);
        }
        replay.addAll(fresh);
        Set<String> users = new HashSet<>();
        for (TrainingExample e : batch) {
            users.add(e.getContext().getUserId());
        }
        return new Round(fresh.size(), again.size(), score ? fresh.size() : 0, loss, applied, users.size(), batch);
    }

    /** Replays for a step with {@code fresh} fresh examples: none once the batch is full, else up to the ratio. */
    private int replays(int fresh) {
        if (fresh >= batchSize || policy.replayRatio() == 0) {
            return 0;
        }
        replayCredit += policy.replayRatio() * fresh;
        int n = (int) Math.min(batchSize - fresh, Math.floor(replayCredit));
        replayCredit = Math.min(replayCredit - n, batchSize);
        return n;
    }

    public OnlineTrainer trainer() {
        return trainer;
    }

    public PrequentialEvaluator evaluator() {
        return evaluator;
    }

    public ExampleQueue<TrainingExample> queue() {
        return queue;
    }

    public ReplayBuffer<TrainingExample> replayBuffer() {
        return replay;
    }

    public Policy policy() {
        return policy;
    }

    /** Fresh examples trained on (each at most once; replays not counted). */
    public long trained() {
        return trained;
    }

    /** Replayed examples trained on. */
    public long replayed() {
        return replayed;
    }

    /** Training steps taken, dropped ones included. */
    public long steps() {
        return steps;
    }

    /** Nanoseconds spent scoring and updating the baselines. */
    public long scoreNanos() {
        return scoreNanos;
    }

    /** Trained over seen; 1 before the first example. */
    public double fractionTrained() {
        long seen = queue.seen();
        return seen == 0 ? 1.0 : (double) trained / seen;
    }

    /** Restores the counters of a checkpoint. */
    public void restoreCounters(long trainedBefore, long replayedBefore) {
        this.trained = trainedBefore;
        this.replayed = replayedBefore;
    }
}
