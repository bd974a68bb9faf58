package io.streamrec.flink.train;

import io.streamrec.flink.records.TrainingExampleSerializer;
import io.streamrec.model.FrozenState;
import io.streamrec.model.eval.PrequentialEvaluator;
import io.streamrec.model.sync.LatestPublishedVersion;
import io.streamrec.model.sync.ModelUpdates;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.online.ExampleQueue;
import io.streamrec.model.train.online.OnlineLearner;
import io.streamrec.schemas.ModelUpdate;
import io.streamrec.schemas.TrainingExample;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The online trainer (docs/design.md, "Online training" and "Model sync") as a Flink operator at parallelism 1:
 * test-then-train on the {@link TrainingExample}s with the {@link OnlineLearner} shared with offline evaluation,
 * publishing chunked {@link ModelUpdate}s (FULL at start and every N, DELTA every T).
 *
 * <p>Built like Flink's {@code AsyncWaitOperator}: {@link #processElement} only hands the example to the learner's
 * bounded {@link ExampleQueue} and returns, so training never back-pressures the user-state operator and the
 * vector path behind it; one dedicated thread ({@link TrainingLoop}) scores, trains and builds the updates; results
 * come back through the task's mailbox, because outputs belong to the task thread. Training starts with the first
 * examples; when the trainer falls behind, the queue samples and the fraction trained is reported; when it has
 * room, it replays recent examples. Processing-time timers only ask for publications; they never touch the weights.
 *
 * <p>A checkpoint pauses the training thread at a round boundary (waiting for at most one round) only to copy the
 * trainer, the queue, counters and the evaluator; the copy is written as one operator state entry in Flink's
 * asynchronous checkpoint phase ({@link TrainerCheckpoint}), while training goes on. A restore continues the versions
 * past anything the lost run may have published and publishes a FULL first ({@link TrainerState}); a start without
 * a checkpoint continues after the newest version already published ({@link LatestPublishedVersion}). At the end
 * of a bounded input every queued example is scored and trained, and a last delta published.
 *
 * <p>Metrics (gauges in the operator's user group {@value #METRIC_GROUP}): the rolling prequentialHr10,
 * prequentialHr50, prequentialNdcg10, prequentialNdcg50, popularityHr50 and itemCfHr50 (every scored example is
 * ranked by the model and both baselines before any learns it); the same over the second half of everything
 * scored (secondHalfExamples, secondHalfHr10, secondHalfHr50, secondHalfPopularityHr50, secondHalfItemCfHr50);
 * loss, probeLoss, initialProbeLoss, probeLossAtCheckpoint and probeLossAtRestore (see {@link ProbeLoss}),
 * skippedSteps (updates dropped because their loss or gradients were not finite), examplesSeen, examplesScored,
 * examplesTrained, examplesReplayed, fractionTrained, examplesPerSecond, usersPerBatch, modelVersion,
 * lastDeltaIntervalMs, scoredRounds and unscoredRounds (the scoring budget), the running totals
 * prequentialHits50, popularityHits50 and itemCfHits50, and the training thread's milliseconds per phase
 * (scoreMs, forwardBackwardMs, optimiserMs, publishMs, checkpointMs, roundsMs); the rolling figures are logged
 * at INFO every log interval.
 */
public final class TrainerOperator extends AbstractStreamOperator<ModelUpdate>
        implements OneInputStreamOperator<TrainingExample, ModelUpdate>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);
    static final String STATE_NAME = "streamrec-trainer-state";
    /** The state's name in checkpoints of builds that serialised it on the task thread (read on restore). */
    static final String BYTES_STATE_NAME = "streamrec-trainer";
    /** The user metric group of the trainer's gauges. */
    public static final String METRIC_GROUP = "trainer";
    /** The stable uid of the trainer operator: its checkpointed model is found by it. */
    public static final String UID = "trainer";

    private static final long STOP_WAIT_SECONDS = 60;

    private final TrainerOperatorConfig config;
    private final LatestPublishedVersion published;
    private final transient MailboxExecutor mailbox;
    private transient ListState<TrainerCheckpoint> checkpoint;
    private transient TrainerState state;
    private transient OnlineTrainer trainer;
    private transient TrainingLoop loop;
    private transient Thread trainingThread;
    private transient boolean copyInput;
    private transient volatile boolean flushed;
    private transient volatile double examplesPerSecond;
    private transient long lastLogAt;
    private transient long trainedAtLastLog;

    TrainerOperator(
            StreamOperatorParameters<ModelUpdate> parameters,
            TrainerOperatorConfig config,
            LatestPublishedVersion published) {
        super(parameters);
        this.config = config;
        this.published = published;
        this.mailbox = parameters.getMailboxExecutor();
    }

    /**
     * The trainer on {@code examples}, at parallelism 1, named and with uid {@value #UID}. Its output is the
     * chunked model updates, to be sunk to {@code model-updates} keyed by model name.
     */
    public static SingleOutputStreamOperator<ModelUpdate> attach(
            DataStream<TrainingExample> examples, TrainerOperatorConfig config) {
        return attach(examples, config, LatestPublishedVersion.NONE);
    }

    /** As {@link #attach(DataStream, TrainerOperatorConfig)}, continuing after {@code published} when started fresh. */
    public static SingleOutputStreamOperator<ModelUpdate> attach(
            DataStream<TrainingExample> examples, TrainerOperatorConfig config, LatestPublishedVersion published) {
        return examples.transform(
                        "trainer (" + config.encoder() + ")",
                        new AvroTypeInfo<>(ModelUpdate.class),
                        new TrainerOperatorFactory(config, published))
                .uid(UID)
                .setParallelism(1)
                .setMaxParallelism(1);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        OperatorStateStore store = context.getOperatorStateStore();
        checkpoint = store.getListState(new ListStateDescriptor<>(STATE_NAME, TrainerCheckpoint.Serializer.INSTANCE));
        List<byte[]> entries = new ArrayList<>();
        for (TrainerCheckpoint entry : checkpoint.get()) {
            entries.add(entry.bytes());
        }
        if (store.getRegisteredStateNames().contains(BYTES_STATE_NAME)) {
            // a checkpoint of a build that wrote the state as bytes on the task thread: the same layout
            ListState<byte[]> bytesState = store.getListState(
                    new ListStateDescriptor<>(BYTES_STATE_NAME, BytePrimitiveArraySerializer.INSTANCE));
            bytesState.get().forEach(entries::add);
            bytesState.clear();
        }
        if (entries.size() > 1) {
            throw new IllegalStateException("the trainer's checkpoint holds more than one trainer; the trainer runs at "
                    + "parallelism 1 and cannot be rescaled (restore with parallelism 1)");
        }
        byte[] saved = entries.isEmpty() ? null : entries.get(0);
        state = saved == null
                ? TrainerState.fresh(config)
                : TrainerState.restore(saved, config, System.currentTimeMillis());
        trainer = state.trainer();
        continueAfterPublished();
    }

    /**
     * Versions strictly increase across restarts (docs/design.md, "Model sync"): a start without a checkpoint would otherwise
     * begin at 1 under versions consumers already hold, and an old checkpoint's gap may not cover what was
     * published since. Never lowers the version counter.
     */
    private void continueAfterPublished() throws Exception {
        long latest = published.latest();
        if (latest > trainer.versions().latest()) {
            LOG.info(
                    "Versions continue after {}, the newest already published (the {} would have continued after {})",
                    latest,
                    trainer.stepCount() == 0 ? "fresh trainer" : "checkpoint",
                    trainer.versions().latest());
            trainer.versions().startAfter(latest);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        if (parallelism != 1) {
            throw new IllegalStateException("the trainer operator must run at parallelism 1 (one model, one training "
                    + "thread per JVM), but runs at " + parallelism
                    + "; call setParallelism(1) and setMaxParallelism(1) on it");
        }
        copyInput = getExecutionConfig().isObjectReuseEnabled();
        ModelUpdates updates =
                new ModelUpdates(trainer, config.get(TrainerOperatorConfig.MAX_MESSAGE_BYTES), Clock.systemUTC());
        loop = new TrainingLoop(state.learner, updates, state.probe, config.maxScoreShare(), new MailboxSink());
        registerMetrics(getMetricGroup().addGroup(METRIC_GROUP));
        emit(loop.fullUpdateNow());
        trainingThread = new Thread(loop, "streamrec-trainer (" + updates.modelName() + ")");
        trainingThread.setDaemon(true);
        trainingThread.start();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        lastLogAt = now;
        trainedAtLastLog = loop.trained();
        scheduleDelta(now);
        scheduleFull(now);
        scheduleLog(now);
    }

    @Override
    public void processElement(StreamRecord<TrainingExample> element) {
        TrainingExample example = element.getValue();
        state.learner.offer(copyInput ? TrainingExampleSerializer.copyOf(example) : example);
    }

    /** Asks one round early (see {@link DeltaLead}), so the delta interval is an upper bound, not a mean. */
    private void scheduleDelta(long from) {
        long interval = config.get(TrainerOperatorConfig.DELTA_INTERVAL).toMillis();
        getProcessingTimeService().registerTimer(from + interval - loop.deltaLeadMillis(interval), time -> {
            loop.requestDelta();
            scheduleDelta(time);
        });
    }

    private void scheduleFull(long from) {
        getProcessingTimeService()
                .registerTimer(
                        from
                                + config.get(TrainerOperatorConfig.FULL_UPDATE_INTERVAL)
                                        .toMillis(),
                        time -> {
                            loop.requestFull();
                            scheduleFull(time);
                        });
    }

    private void scheduleLog(long from) {
        getProcessingTimeService()
                .registerTimer(
                        from + config.get(TrainerOperatorConfig.LOG_INTERVAL).toMillis(), time -> {
                            logProgress(time);
                            scheduleLog(time);
                        });
    }

    private void logProgress(long now) {
        long trained = loop.trained();
        examplesPerSecond = (trained - trainedAtLastLog) * 1000.0 / Math.max(1, now - lastLogAt);
        lastLogAt = now;
        trainedAtLastLog = trained;
        PrequentialEvaluator.Figures f = state.evaluator().figures();
        OnlineLearner learner = state.learner;
        LOG.info(
                "Trainer v{}: HR@10 {} HR@50 {} NDCG@10 {} NDCG@50 {} (popularity HR@50 {}, ItemCF HR@50 {}) over {}"
                        + " examples, loss {}, probe loss {} (initially {}); seen {} trained {} ({}%) replayed {}, {}"
                        + " examples/s, {} users per batch, queued {}/{}; ms in score {} forward/backward {} optimiser {}"
                        + " publish {} checkpoint {}; last delta interval {} ms",
                loop.modelVersion(),
                fmt(f.hr10()),
                fmt(f.hr50()),
                fmt(f.ndcg10()),
                fmt(f.ndcg50()),
                fmt(f.popularityHr50()),
                fmt(f.itemCfHr50()),
                f.examples(),
                fmt(f.loss()),
                fmt(state.probe.latest()),
                fmt(state.probe.initial()),
                learner.queue().seen(),
                trained,
                fmt(100 * fractionTrained()),
                learner.replayed(),
                fmt(examplesPerSecond),
                fmt(loop.usersPerBatch()),
                learner.queue().size(),
                learner.queue().capacity(),
                loop.phaseMillis(TrainingLoop.Phase.SCORE),
                loop.phaseMillis(TrainingLoop.Phase.FORWARD_BACKWARD),
                loop.phaseMillis(TrainingLoop.Phase.OPTIMISER),
                loop.phaseMillis(TrainingLoop.Phase.PUBLISH),
                loop.phaseMillis(TrainingLoop.Phase.CHECKPOINT),
                loop.lastDeltaIntervalMillis());
    }

    private static String fmt(double value) {
        return String.format("%.3f", value);
    }

    /** Trained over seen (queued examples count as not yet trained); 1 before the first example. */
    double fractionTrained() {
        return state.learner.fractionTrained();
    }

    private void registerMetrics(MetricGroup group) {
        PrequentialEvaluator evaluator = state.evaluator();
        group.gauge("prequentialHr10", (Gauge<Double>) () -> evaluator.figures().hr10());
        group.gauge("prequentialHr50", (Gauge<Double>) () -> evaluator.figures().hr50());
        group.gauge(
                "prequentialNdcg10", (Gauge<Double>) () -> evaluator.figures().ndcg10());
        group.gauge(
                "prequentialNdcg50", (Gauge<Double>) () -> evaluator.figures().ndcg50());
        group.gauge("popularityHr50", (Gauge<Double>) () -> evaluator.figures().popularityHr50());
        group.gauge("itemCfHr50", (Gauge<Double>) () -> evaluator.figures().itemCfHr50());
        group.gauge("loss", (Gauge<Double>) () -> evaluator.figures().loss());
        group.gauge("probeLoss", (Gauge<Double>) state.probe::latest);
        group.gauge("initialProbeLoss", (Gauge<Double>) state.probe::initial);
        group.gauge("probeLossAtCheckpoint", (Gauge<Double>) state.probe::atCheckpoint);
        group.gauge("probeLossAtRestore", (Gauge<Double>) state.probe::atRestore);
        group.gauge("examplesSeen", (Gauge<Long>) state.learner.queue()::seen);
        group.gauge("examplesScored", (Gauge<Long>) () -> evaluator.totals().scored());
        group.gauge(
                "prequentialHits50", (Gauge<Long>) () -> evaluator.totals().hits50(PrequentialEvaluator.Scorer.MODEL));
        group.gauge("popularityHits50", (Gauge<Long>)
                () -> evaluator.totals().hits50(PrequentialEvaluator.Scorer.POPULARITY));
        group.gauge("itemCfHits50", (Gauge<Long>) () -> evaluator.totals().hits50(PrequentialEvaluator.Scorer.ITEMCF));
        // over the second half of every example scored so far: what a run's summary reports
        group.gauge(
                "secondHalfExamples", (Gauge<Long>) () -> evaluator.secondHalf().scored());
        group.gauge("secondHalfHr10", (Gauge<Double>)
                () -> evaluator.secondHalf().hr(PrequentialEvaluator.Scorer.MODEL, 10));
        group.gauge("secondHalfHr50", (Gauge<Double>)
                () -> evaluator.secondHalf().hr(PrequentialEvaluator.Scorer.MODEL, 50));
        group.gauge("secondHalfPopularityHr50", (Gauge<Double>)
                () -> evaluator.secondHalf().hr(PrequentialEvaluator.Scorer.POPULARITY, 50));
        group.gauge("secondHalfItemCfHr50", (Gauge<Double>)
                () -> evaluator.secondHalf().hr(PrequentialEvaluator.Scorer.ITEMCF, 50));
        group.gauge("examplesTrained", (Gauge<Long>) loop::trained);
        group.gauge("examplesReplayed", (Gauge<Long>) state.learner::replayed);
        group.gauge("skippedSteps", (Gauge<Long>) loop::skippedSteps);
        group.gauge("usersPerBatch", (Gauge<Double>) loop::usersPerBatch);
        group.gauge("fractionTrained", (Gauge<Double>) this::fractionTrained);
        group.gauge("examplesPerSecond", (Gauge<Double>) () -> examplesPerSecond);
        group.gauge("modelVersion", (Gauge<Long>) loop::modelVersion);
        group.gauge("lastDeltaIntervalMs", (Gauge<Long>) loop::lastDeltaIntervalMillis);
        group.gauge("scoredRounds", (Gauge<Long>) loop::scoredRounds);
        group.gauge("unscoredRounds", (Gauge<Long>) loop::unscoredRounds);
        // milliseconds the training thread spent in each phase since start (differences give the shares)
        group.gauge("scoreMs", (Gauge<Long>) () -> loop.phaseMillis(TrainingLoop.Phase.SCORE));
        group.gauge("forwardBackwardMs", (Gauge<Long>) () -> loop.phaseMillis(TrainingLoop.Phase.FORWARD_BACKWARD));
        group.gauge("optimiserMs", (Gauge<Long>) () -> loop.phaseMillis(TrainingLoop.Phase.OPTIMISER));
        group.gauge("publishMs", (Gauge<Long>) () -> loop.phaseMillis(TrainingLoop.Phase.PUBLISH));
        group.gauge("checkpointMs", (Gauge<Long>) () -> loop.phaseMillis(TrainingLoop.Phase.CHECKPOINT));
        group.gauge("roundsMs", (Gauge<Long>) () -> loop.phaseMillis(TrainingLoop.Phase.ROUNDS));
    }

    /**
     * Copies the trainer's state at a round boundary (array copies while the training thread waits) and leaves its
     * serialisation to Flink's asynchronous checkpoint phase ({@link TrainerCheckpoint}). The probe's loss on the
     * copied weights is measured by the training thread before its next step.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        FrozenState frozen;
        try (TrainingLoop.Pause paused = loop.pause()) {
            frozen = TrainerState.freeze(state, System.currentTimeMillis(), loop.probeLossAtPause());
        }
        checkpoint.update(List.of(TrainerCheckpoint.of(frozen)));
    }

    @Override
    public void endInput() throws Exception {
        loop.requestFlush();
        while (!flushed) {
            mailbox.yield();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (loop != null) {
                loop.stop();
            }
            if (trainingThread != null) {
                trainingThread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
            }
            if (trainingThread != null && trainingThread.isAlive()) {
                // freeing native weights under a running step would crash the JVM; leaking them does not
                LOG.warn("The training thread did not stop within {} s; its model is left open", STOP_WAIT_SECONDS);
            } else if (state != null) {
                trainer.close();
            }
        } finally {
            super.close();
        }
    }

    private void emit(List<ModelUpdate> chunks) {
        for (ModelUpdate chunk : chunks) {
            output.collect(new StreamRecord<>(chunk));
        }
    }

    // for tests in this package
    TrainingLoop loop() {
        return loop;
    }

    OnlineTrainer trainer() {
        return trainer;
    }

    TrainerState state() {
        return state;
    }

    PrequentialEvaluator.Figures figures() {
        return state.evaluator().figures();
    }

    ProbeLoss probe() {
        return state.probe;
    }

    ExampleQueue<TrainingExample> queue() {
        return state.learner.queue();
    }

    PrequentialEvaluator.Totals totals() {
        return state.evaluator().totals();
    }

    /** Hands the training thread's results to the task thread through the mailbox. */
    private final class MailboxSink implements TrainingLoop.UpdateSink {
        @Override
        public void publish(List<ModelUpdate> chunks) {
            submit(() -> emit(chunks), "publish model version " + chunks.get(0).getVersion());
        }

        @Override
        public void flushed() {
            submit(() -> flushed = true, "trainer flushed");
        }

        @Override
        public void failed(Throwable error) {
            submit(
                    () -> {
                        throw new FlinkRuntimeException("the training thread failed: " + error.getMessage(), error);
                    },
                    "trainer failure");
        }

        private void submit(org.apache.flink.util.function.ThrowingRunnable<? extends Exception> work, String what) {
            try {
                mailbox.execute(work, what);
            } catch (RejectedExecutionException closing) {
                LOG.debug("Dropped '{}': the task is shutting down", what);
            }
        }
    }
}
