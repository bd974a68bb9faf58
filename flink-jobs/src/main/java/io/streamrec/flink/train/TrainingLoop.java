package io.streamrec.flink.train;

import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.online.OnlineLearner;
import io.streamrec.schemas.ModelUpdate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of the one training thread (DJL allows one gradient collector per JVM). Each round, holding the model
 * lock, it runs one {@link OnlineLearner} round (score the fresh examples, when the scoring budget allows, then
 * train them with replays) and publishes what is due. A round starts as soon as a batch waits or the oldest
 * waiting example has waited the learner's longest batch delay, so training starts with the first examples.
 * Publication is asked for from the task thread ({@link #requestDelta()}, {@link #requestFull()}) and built here,
 * between rounds, because only this thread may read the weights; the chunks go back to the task thread through an
 * {@link UpdateSink} (the operator's mailbox), since Flink outputs are not thread-safe.
 *
 * <p><b>Scoring budget.</b> Ranking every item for every example costs as much as training it on large
 * catalogues, so a round is scored only while scoring has taken at most {@code maxScoreShare} of the thread's
 * busy time; a skipped round is skipped whole, for the model and both baselines alike, so the figures stay
 * comparable and unbiased (the choice never depends on the examples).
 *
 * <p>The model lock is fair and held for one round, so {@link #pause()} (a checkpoint) waits for at most the
 * round in progress and finds every example either queued or trained.
 */
final class TrainingLoop implements Runnable {

    /** Where the training thread sends its results; implementations hand them to the task thread. */
    interface UpdateSink {
        void publish(List<ModelUpdate> chunks);

        /** Every queued example is trained and the final delta (if any) published. */
        void flushed();

        void failed(Throwable error);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int USERS_PER_BATCH_WINDOW = 100;

    private final OnlineLearner learner;
    private final OnlineTrainer trainer;
    private final ModelUpdates updates;
    private final ProbeLoss probe;
    private final UpdateSink sink;
    private final double maxScoreShare;
    private final int batchSize;
    private final ReentrantLock modelLock = new ReentrantLock(true);
    private final AtomicBoolean deltaDue = new AtomicBoolean();
    private final AtomicBoolean fullDue = new AtomicBoolean();
    private final AtomicBoolean flushDue = new AtomicBoolean();
    private final DeltaLead deltaLead = new DeltaLead();
    private volatile boolean running = true;
    private volatile long modelVersion;
    private volatile long lastDeltaIntervalMillis = -1;
    /** Steps the trainer dropped as not finite, for other threads (gauges). */
    private volatile long skippedSteps;
    /** Distinct users per trained batch, the diversity of the in-batch negatives. */
    private final io.streamrec.model.eval.RollingMean usersPerBatch =
            new io.streamrec.model.eval.RollingMean(USERS_PER_BATCH_WINDOW);

    private volatile double usersPerBatchMean = Double.NaN;
    /** Nanoseconds the thread spent in rounds, publishing, and paused for checkpoints. */
    private volatile long roundNanos;

    private volatile long publishNanos;
    private volatile long checkpointNanos;
    private volatile long scoredRounds;
    private volatile long unscoredRounds;

    private long lastDeltaAtMillis = -1;
    private long publishedStep = -1;
    /** The probe's loss a checkpoint waits for, measured before the next step; set under the model lock. */
    private final AtomicReference<CompletableFuture<Double>> probeRequest = new AtomicReference<>();
    /** Set once this thread has left {@link #run()}: it answers no more requests. */
    private volatile boolean exited;

    TrainingLoop(OnlineLearner learner, ModelUpdates updates, ProbeLoss probe, double maxScoreShare, UpdateSink sink) {
        this.learner = learner;
        this.trainer = learner.trainer();
        this.updates = updates;
        this.probe = probe;
        this.sink = sink;
        this.maxScoreShare = maxScoreShare;
        this.batchSize = trainer.config().get(TrainerOptions.BATCH_SIZE);
        this.modelVersion = trainer.versions().latest();
    }

    /**
     * A FULL update as the next version, built on the calling thread: only before the training thread
     * starts (the cold-start or post-restore version) or under {@link #pause()}.
     */
    List<ModelUpdate> fullUpdateNow() {
        List<ModelUpdate> chunks = updates.full();
        published(chunks, false);
        return chunks;
    }

    @Override
    public void run() {
        long delayNanos = learner.policy().maxBatchDelay().toNanos();
        try {
            while (running) {
                boolean due = flushDue.get()
                        ? learner.queue().size() > 0
                        : learner.queue().awaitRound(batchSize, delayNanos, IDLE_WAIT_NANOS);
                modelLock.lockInterruptibly();
                try {
                    if (!running) {
                        return;
                    }
                    answerProbeRequest();
                    if (due) {
                        long start = System.nanoTime();
                        OnlineLearner.Round round = learner.round(scoreThisRound());
                        long took = System.nanoTime() - start;
                        roundNanos += took;
                        deltaLead.roundTook(TimeUnit.NANOSECONDS.toMillis(took));
                        afterRound(round);
                    }
                    publishDue();
                    if (flushDue.get() && learner.queue().size() == 0) {
                        flushDue.set(false);
                        if (trainer.stepCount() > publishedStep) {
                            publishDelta();
                        }
                        sink.flushed();
                    }
                } finally {
                    modelLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable error) {
            running = false;
            sink.failed(error);
        } finally {
            exited = true;
            CompletableFuture<Double> unanswered = probeRequest.getAndSet(null);
            if (unanswered != null) {
                unanswered.completeExceptionally(
                        new IllegalStateException("the training thread stopped before it measured the probe"));
            }
        }
    }

    /**
     * The probe's loss on the weights as they stand at this pause, for a checkpoint taken under it: at once when no
     * step was taken since the last measurement, else measured by the training thread before its next step (the
     * weights cannot change before), so the pause does not wait for a forward pass. Call holding {@link #pause()}.
     */
    CompletableFuture<Double> probeLossAtPause() {
        if (!modelLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("ask for the probe's loss at a pause while holding the pause");
        }
        if (probe.isCurrent(trainer)) {
            return CompletableFuture.completedFuture(probe.latest());
        }
        CompletableFuture<Double> request = probeRequest.updateAndGet(r -> r != null ? r : new CompletableFuture<>());
        if (exited && probeRequest.compareAndSet(request, null)) {
            // no training thread to answer: measure here, under the pause
            measureProbeFor(request);
        } else {
            learner.queue().wakeUp();
        }
        return request;
    }

    /** Measures the probe for a waiting checkpoint, before any step changes the weights (under the model lock). */
    private void answerProbeRequest() {
        CompletableFuture<Double> request = probeRequest.getAndSet(null);
        if (request != null) {
            long start = System.nanoTime();
            measureProbeFor(request);
            checkpointNanos += System.nanoTime() - start;
        }
    }

    private void measureProbeFor(CompletableFuture<Double> request) {
        try {
            probe.measure(trainer);
            request.complete(probe.latest());
        } catch (RuntimeException | Error e) {
            request.completeExceptionally(e);
            throw e;
        }
    }

    /** Scores while scoring has taken at most the allowed share of the rounds' time (always when flushing). */
    private boolean scoreThisRound() {
        boolean score = flushDue.get() || maxScoreShare >= 1 || learner.scoreNanos() <= maxScoreShare * roundNanos;
        if (score) {
            scoredRounds++;
        } else {
            unscoredRounds++;
        }
        return score;
    }

    private void afterRound(OnlineLearner.Round round) {
        if (round.fresh() == 0) {
            return;
        }
        if (!round.trained()) {
            dropped(round.loss());
        } else if (round.batch().size() >= batchSize / 2 && round.users() >= Math.max(2, batchSize / 16)) {
            // not the first round whatever it holds: a round of a few examples, or of a few users' bursts (whose
            // own targets are masked), has an in-batch loss that says little about the model
            probe.takeIfAbsent(round.batch(), trainer);
        }
        usersPerBatch.add(round.users());
        usersPerBatchMean = usersPerBatch.mean();
    }

    /** A step whose loss or gradients were not finite was dropped by the trainer; warns at the 1st, 10th, 100th … */
    private void dropped(float loss) {
        skippedSteps = trainer.skippedSteps();
        if (isPowerOfTen(skippedSteps)) {
            LOG.warn(
                    "Dropped the update of training step {} (loss {}): its loss or gradients were not finite, so no "
                            + "weight was changed; {} steps dropped since start. Persistent drops point at the data (e.g. "
                            + "absurd rewards) or at too large learning rates",
                    trainer.stepCount(),
                    loss,
                    skippedSteps);
        }
    }

    private static boolean isPowerOfTen(long n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }

    private void publishDue() {
        if (fullDue.getAndSet(false)) {
            deltaDue.set(false);
            long start = System.nanoTime();
            sink.publish(fullUpdateNow());
            publishNanos += System.nanoTime() - start;
            probe.measure(trainer);
        } else if (deltaDue.getAndSet(false) && trainer.stepCount() > publishedStep) {
            publishDelta();
        }
    }

    private void publishDelta() {
        long started = System.nanoTime();
        List<ModelUpdate> chunks = updates.delta(trainer.versions().latest());
        long took = System.nanoTime() - started;
        publishNanos += took;
        deltaLead.publicationTook(TimeUnit.NANOSECONDS.toMillis(took));
        published(chunks, true);
        sink.publish(chunks);
        // once per publication is often enough for the probe; measured after the hand-over, so it never delays one
        probe.measure(trainer);
    }

    private void published(List<ModelUpdate> chunks, boolean delta) {
        publishedStep = trainer.stepCount();
        modelVersion = chunks.get(0).getVersion();
        if (delta) {
            long now = System.currentTimeMillis();
            if (lastDeltaAtMillis >= 0) {
                lastDeltaIntervalMillis = now - lastDeltaAtMillis;
            }
            lastDeltaAtMillis = now;
        }
    }

    /** Asks for a DELTA at the next round boundary (skipped when nothing was trained since the last version). */
    void requestDelta() {
        deltaDue.set(true);
        learner.queue().wakeUp();
    }

    /** Asks for a FULL snapshot at the next round boundary. */
    void requestFull() {
        fullDue.set(true);
        learner.queue().wakeUp();
    }

    /** Asks to score and train every queued example, including a last partial batch, then publish a final delta. */
    void requestFlush() {
        flushDue.set(true);
        learner.queue().wakeUp();
    }

    /** Holds the training thread at a round boundary until the returned pause is closed. */
    Pause pause() {
        modelLock.lock();
        long start = System.nanoTime();
        return () -> {
            checkpointNanos += System.nanoTime() - start;
            modelLock.unlock();
        };
    }

    /** Stops after the round in progress. */
    void stop() {
        running = false;
        learner.queue().wakeUp();
    }

    OnlineLearner learner() {
        return learner;
    }

    long trained() {
        return learner.trained();
    }

    /** Mean distinct users in the recent training batches (NaN before the first step). */
    double usersPerBatch() {
        return usersPerBatchMean;
    }

    long modelVersion() {
        return modelVersion;
    }

    /** Training steps dropped since start because their loss or gradients were not finite. */
    long skippedSteps() {
        return skippedSteps;
    }

    long lastDeltaIntervalMillis() {
        return lastDeltaIntervalMillis;
    }

    /** How early to {@link #requestDelta()} so deltas are at most {@code intervalMillis} apart. */
    long deltaLeadMillis(long intervalMillis) {
        return deltaLead.leadMillis(intervalMillis);
    }

    /** Milliseconds this thread spent in each phase since start: see {@link Phase}. */
    long phaseMillis(Phase phase) {
        long nanos = switch (phase) {
            case SCORE -> learner.scoreNanos();
            case FORWARD_BACKWARD -> trainer.forwardBackwardNanos();
            case OPTIMISER -> trainer.optimiserNanos();
            case PUBLISH -> publishNanos;
            case CHECKPOINT -> checkpointNanos;
            case ROUNDS -> roundNanos;
        };
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Rounds scored and rounds left unscored by the scoring budget. */
    long scoredRounds() {
        return scoredRounds;
    }

    long unscoredRounds() {
        return unscoredRounds;
    }

    /** Where the training thread's time goes. */
    enum Phase {
        /** Prequential scoring of the model and both baselines, and the baselines' learning. */
        SCORE,
        /** Training steps up to the end of the backward pass (planning, gathering rows, forward, backward). */
        FORWARD_BACKWARD,
        /** Taking gradients and updating weights and optimiser moments. */
        OPTIMISER,
        /** Building deltas and FULL snapshots. */
        PUBLISH,
        /** Paused while a checkpoint copies the trainer, and measuring the probe's loss for it. */
        CHECKPOINT,
        /** Whole rounds (score, train, and the learner's own work). */
        ROUNDS
    }

    /** A held {@link #pause()}; closing it lets training continue. */
    interface Pause extends AutoCloseable {
        @Override
        void close();
    }
}
