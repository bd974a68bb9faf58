package io.streamrec.flink.train;

import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.Ranking;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of the one training thread (DJL allows one gradient collector per JVM). Each round, holding the
 * model lock, it takes up to one batch from the {@link SamplingQueue} in arrival order and scores it with the
 * current weights (exact top-K over every item, test-then-train), updating the rolling metrics and then the
 * popularity baseline on the same examples; the scored examples go into the {@link MixingBuffer}, and once
 * that is full one batch drawn from it at random takes an optimiser step. Then it publishes what is due. So
 * every admitted example is scored exactly once, on arrival, and trained exactly once, later and mixed with
 * other users' examples. Publication is asked for from the task thread ({@link #requestDelta()},
 * {@link #requestFull()}) and built here, between steps, because only this thread may read the weights; the
 * chunks go back to the task thread through an {@link UpdateSink} (the operator's mailbox), since Flink outputs
 * are not thread-safe.
 *
 * <p>The model lock is fair and held for one round (at most one scored and one trained batch), so
 * {@link #pause()} (a checkpoint) waits for at most the round in progress and always finds every example
 * either queued (not yet scored) or in the mixing buffer (scored, not yet trained).
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
    private static final long IDLE_WAIT_MILLIS = 200;
    private static final int USERS_PER_BATCH_WINDOW = 100;

    private final OnlineTrainer trainer;
    private final ModelUpdates updates;
    private final SamplingQueue<TrainingExample> queue;
    private final MixingBuffer<TrainingExample> mixing;
    private final PrequentialMetrics metrics;
    private final RecentPopularity popularity;
    private final ProbeLoss probe;
    private final UpdateSink sink;
    private final int batchSize;
    private final ReentrantLock modelLock = new ReentrantLock(true);
    private final AtomicBoolean deltaDue = new AtomicBoolean();
    private final AtomicBoolean fullDue = new AtomicBoolean();
    private final AtomicBoolean flushDue = new AtomicBoolean();
    private final DeltaLead deltaLead = new DeltaLead();
    private volatile boolean running = true;
    private volatile long trained;
    private volatile long modelVersion;
    private volatile long lastDeltaIntervalMillis = -1;
    /** Steps the trainer dropped as not finite, for other threads (gauges). */
    private volatile long skippedSteps;
    /** Distinct users per trained batch, the diversity of the in-batch negatives. */
    private final RollingMean usersPerBatch = new RollingMean(USERS_PER_BATCH_WINDOW);

    private volatile double usersPerBatchMean = Double.NaN;
    /** The mixing buffer's size for other threads (the buffer itself belongs to this thread). */
    private volatile int mixingSize;

    private long lastDeltaAtMillis = -1;
    private long publishedStep = -1;

    TrainingLoop(
            OnlineTrainer trainer,
            ModelUpdates updates,
            SamplingQueue<TrainingExample> queue,
            MixingBuffer<TrainingExample> mixing,
            PrequentialMetrics metrics,
            RecentPopularity popularity,
            ProbeLoss probe,
            long trainedBefore,
            UpdateSink sink) {
        this.trainer = trainer;
        this.updates = updates;
        this.queue = queue;
        this.mixing = mixing;
        this.mixingSize = mixing.size();
        this.metrics = metrics;
        this.popularity = popularity;
        this.probe = probe;
        this.sink = sink;
        this.batchSize = trainer.config().get(TrainerOptions.BATCH_SIZE);
        this.trained = trainedBefore;
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
        try {
            while (running) {
                int needed = flushDue.get() ? 1 : batchSize;
                // a batch due from the mixing buffer is trained at once; otherwise wait for arrivals
                boolean ready = trainingDue()
                        ? queue.size() >= needed
                        : queue.awaitAtLeast(needed, IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                modelLock.lockInterruptibly();
                try {
                    if (!running) {
                        return;
                    }
                    long roundStart = System.nanoTime();
                    boolean trainingDue = trainingDue();
                    if (ready) {
                        score(queue.poll(batchSize));
                    }
                    if (trainingDue()) {
                        train(mixing.drawBatch());
                    }
                    if (ready || trainingDue) {
                        deltaLead.roundTook(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - roundStart));
                    }
                    publishDue();
                    if (flushDue.get() && queue.size() == 0 && mixing.size() == 0) {
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
        }
    }

    /** A full mixing buffer, or, when flushing, anything left in it once every queued example is scored. */
    private boolean trainingDue() {
        return mixing.readyToDraw() || (flushDue.get() && queue.size() == 0 && mixing.size() > 0);
    }

    /** Test: ranks the arrivals with the current weights, and popularity learns their targets only afterwards. */
    private void score(List<TrainingExample> arrived) {
        if (arrived.isEmpty()) {
            return;
        }
        List<String> targets = new ArrayList<>(arrived.size());
        for (TrainingExample example : arrived) {
            targets.add(example.getTarget().getItemId());
        }
        List<Ranking> rankings = trainer.score(arrived, PrequentialMetrics.MAX_K);
        metrics.recordScores(rankings, popularity.top(PrequentialMetrics.MAX_K), targets);
        popularity.record(targets);
        mixing.addAll(arrived);
        mixingSize = mixing.size();
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

    /** Train: one optimiser step on a batch drawn from the mixing buffer (a dropped step trains nothing). */
    private void train(List<TrainingExample> batch) {
        if (batch.isEmpty()) {
            return;
        }
        float loss = trainer.step(batch);
        if (trainer.skippedSteps() > skippedSteps) {
            dropped(loss);
        } else {
            metrics.recordLoss(loss);
            probe.takeIfAbsent(batch, trainer);
            trained += batch.size();
        }
        usersPerBatch.add(
                batch.stream().map(e -> e.getContext().getUserId()).distinct().count());
        usersPerBatchMean = usersPerBatch.mean();
        mixingSize = mixing.size();
    }

    private void publishDue() {
        if (fullDue.getAndSet(false)) {
            deltaDue.set(false);
            sink.publish(fullUpdateNow());
            probe.measure(trainer);
        } else if (deltaDue.getAndSet(false) && trainer.stepCount() > publishedStep) {
            publishDelta();
        }
    }

    private void publishDelta() {
        long started = System.nanoTime();
        List<ModelUpdate> chunks = updates.delta(trainer.versions().latest());
        deltaLead.publicationTook(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
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

    /** Asks for a DELTA at the next batch boundary (skipped when nothing was trained since the last version). */
    void requestDelta() {
        deltaDue.set(true);
        queue.wakeUp();
    }

    /** Asks for a FULL update at the next batch boundary. */
    void requestFull() {
        fullDue.set(true);
        queue.wakeUp();
    }

    /** Asks to train every queued example, including a last partial batch, then publish a final delta. */
    void requestFlush() {
        flushDue.set(true);
        queue.wakeUp();
    }

    /** Holds the training thread at a batch boundary until the returned pause is closed. */
    Pause pause() {
        modelLock.lock();
        return modelLock::unlock;
    }

    /** Stops after the batch in progress. */
    void stop() {
        running = false;
        queue.wakeUp();
    }

    long trained() {
        return trained;
    }

    /** Mean distinct users in the recent training batches (NaN before the first step). */
    double usersPerBatch() {
        return usersPerBatchMean;
    }

    /** Scored examples waiting in the mixing buffer to be trained. */
    int mixingSize() {
        return mixingSize;
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

    /** A held {@link #pause()}; closing it lets training continue. */
    interface Pause extends AutoCloseable {
        @Override
        void close();
    }
}
