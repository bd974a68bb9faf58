package io.streamrec.flink.train;

import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.Ranking;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of the one training thread (DJL allows one gradient collector per JVM). Each round it waits
 * for a full batch in the {@link SamplingQueue}, then, holding the model lock: scores the batch with the
 * current weights (exact top-K over every item, test-then-train), updates the rolling metrics and the
 * popularity baseline on the same examples, steps the optimiser, and publishes what is due. Publication
 * is asked for from the task thread ({@link #requestDelta()}, {@link #requestFull()}) and built here,
 * between steps, because only this thread may read the weights; the chunks go back to the task thread
 * through an {@link UpdateSink} (the operator's mailbox), since Flink outputs are not thread-safe.
 *
 * <p>The model lock is fair and held for one batch at a time, so {@link #pause()} (a checkpoint) waits
 * for at most the batch in progress and always finds the queue holding every example not yet trained.
 */
final class TrainingLoop implements Runnable {

    /** Where the training thread sends its results; implementations hand them to the task thread. */
    interface UpdateSink {
        void publish(List<ModelUpdate> chunks);

        /** Every queued example is trained and the final delta (if any) published. */
        void flushed();

        void failed(Throwable error);
    }

    private static final long IDLE_WAIT_MILLIS = 200;

    private final OnlineTrainer trainer;
    private final ModelUpdates updates;
    private final SamplingQueue<TrainingExample> queue;
    private final PrequentialMetrics metrics;
    private final RecentPopularity popularity;
    private final UpdateSink sink;
    private final int batchSize;
    private final ReentrantLock modelLock = new ReentrantLock(true);
    private final AtomicBoolean deltaDue = new AtomicBoolean();
    private final AtomicBoolean fullDue = new AtomicBoolean();
    private final AtomicBoolean flushDue = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile long trained;
    private volatile long modelVersion;
    private volatile long lastDeltaIntervalMillis = -1;
    private long lastDeltaAtMillis = -1;
    private long publishedStep = -1;

    TrainingLoop(OnlineTrainer trainer, ModelUpdates updates, SamplingQueue<TrainingExample> queue,
                 PrequentialMetrics metrics, RecentPopularity popularity, long trainedBefore, UpdateSink sink) {
        this.trainer = trainer;
        this.updates = updates;
        this.queue = queue;
        this.metrics = metrics;
        this.popularity = popularity;
        this.sink = sink;
        this.batchSize = trainer.config().batchSize();
        this.trained = trainedBefore;
        this.modelVersion = trainer.versions().latest();
    }

    /**
     * A FULL snapshot as the next version, built on the calling thread: only before the training thread
     * starts (the cold-start or post-restore version) or under {@link #pause()}.
     */
    List<ModelUpdate> fullSnapshotNow() {
        List<ModelUpdate> chunks = updates.snapshot();
        published(chunks, false);
        return chunks;
    }

    @Override
    public void run() {
        try {
            while (running) {
                int needed = flushDue.get() ? 1 : batchSize;
                boolean ready = queue.awaitAtLeast(needed, IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                modelLock.lockInterruptibly();
                try {
                    if (!running) {
                        return;
                    }
                    if (ready) {
                        trainBatch(queue.poll(batchSize));
                    }
                    publishDue();
                    if (flushDue.get() && queue.size() == 0) {
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

    private void trainBatch(List<TrainingExample> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<String> targets = new ArrayList<>(batch.size());
        for (TrainingExample example : batch) {
            targets.add(example.getTarget().getItemId());
        }
        List<Ranking> rankings = trainer.score(batch, PrequentialMetrics.MAX_K);
        metrics.recordScores(rankings, popularity.top(PrequentialMetrics.MAX_K), targets);
        float loss = trainer.step(batch);
        metrics.recordLoss(loss);
        popularity.record(targets);
        trained += batch.size();
    }

    private void publishDue() {
        if (fullDue.getAndSet(false)) {
            deltaDue.set(false);
            sink.publish(fullSnapshotNow());
        } else if (deltaDue.getAndSet(false) && trainer.stepCount() > publishedStep) {
            publishDelta();
        }
    }

    private void publishDelta() {
        List<ModelUpdate> chunks = updates.delta(trainer.versions().latest());
        published(chunks, true);
        sink.publish(chunks);
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

    /** Asks for a FULL snapshot at the next batch boundary. */
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

    long modelVersion() {
        return modelVersion;
    }

    long lastDeltaIntervalMillis() {
        return lastDeltaIntervalMillis;
    }

    /** A held {@link #pause()}; closing it lets training continue. */
    interface Pause extends AutoCloseable {
        @Override
        void close();
    }
}
