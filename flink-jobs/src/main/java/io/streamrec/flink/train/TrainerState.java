package io.streamrec.flink.train;

import io.streamrec.model.FrozenState;
import io.streamrec.model.eval.PrequentialEvaluator;
import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.model.train.TrainerOptions;
import io.streamrec.model.train.online.ExampleQueue;
import io.streamrec.model.train.online.OnlineLearner;
import io.streamrec.schemas.TrainingExample;
import io.streamrec.schemas.codec.AvroBinaryCodec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the trainer operator checkpoints, and how it is written: the whole {@link OnlineTrainer}
 * (weights, optimiser moments, estimator arrays, vocabularies, step, versions), the next queue-capacity examples
 * waiting to be trained (a backlog beyond them counts as dropped on restore, so a checkpoint stays small after a
 * burst), the seen/dropped/trained/replayed counters, the {@link PrequentialEvaluator} (rolling figures, running
 * totals and both baselines), and the {@link ProbeLoss} batch with its losses. The replay buffer is not
 * kept: it only holds examples already trained, so a restored trainer starts replaying once it has trained again.
 *
 * <p><b>Versions after a restore.</b> A trainer restored from a checkpoint may already have published
 * versions after that checkpoint (a delta every T, a FULL every N, one FULL per start). Reusing one would
 * let a consumer apply a different model under a number it already holds, so a restore moves the
 * versions past every number the lost runs can have used: twice the deltas and FULLs that fit in the
 * wall-clock time since the checkpoint, plus {@value #RESTORE_SLACK} for the FULL each restart publishes
 * at start. Gaps are harmless: consumers apply versions in order and wait for the FULL.
 */
final class TrainerState {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerState.class);
    private static final int MAGIC = 0x5354_4F50;
    /**
     * The layout of {@link #write}; a new layout takes a new number. 2: the online learner (no mixing buffer, a replayed
     * count, the evaluator with online ItemCF). Format 1 never shipped in a release, so it has no reader.
     */
    private static final int FORMAT = 2;

    static final long RESTORE_SLACK = 1_000;
    private static final AvroBinaryCodec<TrainingExample> EXAMPLES = AvroBinaryCodec.of(TrainingExample.class);

    final OnlineLearner learner;
    final ProbeLoss probe = new ProbeLoss();

    private TrainerState(OnlineTrainer trainer, TrainerOperatorConfig config) {
        PrequentialEvaluator.Settings evaluation = config.evaluation();
        this.learner = new OnlineLearner(
                trainer,
                new PrequentialEvaluator(
                        evaluation,
                        Math.max(1, evaluation.window() / trainer.config().get(TrainerOptions.BATCH_SIZE))),
                config.learnerPolicy());
    }

    /** A cold start: fresh weights, nothing queued, no versions yet. */
    static TrainerState fresh(TrainerOperatorConfig config) {
        return new TrainerState(new OnlineTrainer(config.trainerConfig(), config.encoderFactory()), config);
    }

    OnlineTrainer trainer() {
        return learner.trainer();
    }

    PrequentialEvaluator evaluator() {
        return learner.evaluator();
    }

    /**
     * Writes the state; call with the training thread paused at a round boundary, after measuring the probe (the
     * loss written is the latest measured).
     */
    static byte[] write(TrainerState state, long nowMillis) throws IOException {
        return freeze(state, nowMillis, CompletableFuture.completedFuture(state.probe.latest()))
                .toBytes();
    }

    /**
     * A copy of the state, taken now and written later by {@link FrozenState#writeTo} (on Flink's asynchronous
     * checkpoint thread): the counters are written at once, the trainer and the evaluator are copied array by
     * array ({@link OnlineTrainer#freeze}, {@link PrequentialEvaluator#freeze}), the queued examples and the probe batch are kept by reference (nothing changes
     * an example once it is queued) and encoded when written. Call with the training thread paused at a round
     * boundary.
     *
     * @param probeLoss the probe's loss on the weights as they are now; the writer waits for it (the training thread
     *     measures it before its next step, so the pause need not)
     */
    static FrozenState freeze(TrainerState state, long nowMillis, Future<Double> probeLoss) {
        OnlineLearner learner = state.learner;
        // the next queue-capacity waiting examples; a backlog beyond them counts as dropped on restore
        ExampleQueue.Waiting<TrainingExample> queued =
                learner.queue().waiting(learner.policy().queueCapacity());
        FrozenState counters = FrozenState.written(out -> {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(nowMillis);
            out.writeLong(learner.queue().seen());
            out.writeLong(learner.queue().dropped() + queued.omitted());
            out.writeLong(learner.trained());
            out.writeLong(learner.replayed());
        });
        FrozenState trainer = learner.trainer().freeze();
        FrozenState evaluator = learner.evaluator().freeze();
        List<TrainingExample> probe = state.probe.examples();
        double initialProbeLoss = state.probe.initial();
        FrozenState rest = out -> {
            out.writeInt(queued.size());
            for (TrainingExample example : queued.examples()) {
                writeExample(out, EXAMPLES.encode(example));
            }
            for (byte[] encoded : queued.encoded()) {
                writeExample(out, encoded); // the backlog's bytes are the same Avro binary
            }
            evaluator.writeTo(out);
            writeExamples(out, probe);
            out.writeDouble(initialProbeLoss);
            out.writeDouble(awaitProbeLoss(probeLoss));
        };
        return new FrozenState() {
            private long trainerSize = -1;

            @Override
            public void writeTo(DataOutput out) throws IOException {
                counters.writeTo(out);
                out.writeInt(lengthField(trainerSize(), "the trainer's weights and moments"));
                trainer.writeTo(out); // streamed after its counted length: no array as large as the model
                rest.writeTo(out);
            }

            @Override
            public long size() throws IOException {
                return counters.size() + Integer.BYTES + trainerSize() + rest.size();
            }

            private long trainerSize() throws IOException {
                if (trainerSize < 0) {
                    trainerSize = trainer.size();
                }
                return trainerSize;
            }
        };
    }

    /** A length as the checkpoint's int field holds it; state past 2 GiB is refused with what to change. */
    static int lengthField(long length, String what) throws IOException {
        if (length > Integer.MAX_VALUE) {
            throw new IOException(what + " take " + length + " bytes, more than a trainer checkpoint holds (2 GiB); "
                    + "lower the vocabulary capacities or the embedding dimension");
        }
        return (int) length;
    }

    private static double awaitProbeLoss(Future<Double> probeLoss) throws IOException {
        try {
            return probeLoss.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the probe loss of the checkpoint");
        } catch (ExecutionException e) {
            throw new IOException("the probe loss of the checkpoint was not measured: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Reads a checkpoint written by {@link #write}; the trainer keeps the model settings it was saved with
     * (the operator's queue, window and publication settings come from {@code config}).
     */
    static TrainerState restore(byte[] checkpoint, TrainerOperatorConfig config, long nowMillis) throws IOException {
        ByteArrayInputStream remaining = new ByteArrayInputStream(checkpoint);
        DataInputStream in = new DataInputStream(remaining);
        if (in.readInt() != MAGIC) {
            throw new IOException("the trainer operator's checkpoint state is not in its format (bad magic number); "
                    + "was the operator uid reused for another operator?");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("trainer checkpoint format " + format + " is not readable by this build (reads "
                    + FORMAT + "); start the job without this checkpoint (the model then starts afresh)");
        }
        long savedAt = in.readLong();
        long seen = in.readLong();
        long dropped = in.readLong();
        long trained = in.readLong();
        long replayed = in.readLong();
        int trainerLength = in.readInt();
        int trainerStart = checkpoint.length - remaining.available();
        // read in place: a copy of the weights would be one more array as large as the model on a restoring heap
        OnlineTrainer trainer = OnlineTrainer.load(
                new ByteArrayInputStream(checkpoint, trainerStart, trainerLength), config.encoderFactory());
        in.skipNBytes(trainerLength);
        TrainerState state = new TrainerState(trainer, config);
        List<TrainingExample> queued = readExamples(in);
        state.learner.queue().restore(seen, dropped, queued);
        state.learner.restoreCounters(trained, replayed);
        state.learner.evaluator().readFrom(in);
        state.probe.restore(readExamples(in), in.readDouble(), in.readDouble(), trainer);
        long restoredVersion = trainer.versions().latest();
        long gap = versionGap(Math.max(0, nowMillis - savedAt), config);
        trainer.versions().startAfter(restoredVersion + gap);
        LOG.info(
                "Trainer restored at step {} with {} examples queued; versions continue after {} (checkpoint had {})",
                trainer.stepCount(),
                queued.size(),
                restoredVersion + gap,
                restoredVersion);
        return state;
    }

    private static void writeExamples(DataOutput out, List<TrainingExample> examples) throws IOException {
        out.writeInt(examples.size());
        for (TrainingExample example : examples) {
            writeExample(out, EXAMPLES.encode(example));
        }
    }

    private static void writeExample(DataOutput out, byte[] encoded) throws IOException {
        out.writeInt(encoded.length);
        out.write(encoded);
    }

    private static List<TrainingExample> readExamples(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<TrainingExample> examples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] encoded = new byte[in.readInt()];
            in.readFully(encoded);
            examples.add(EXAMPLES.decode(encoded));
        }
        return examples;
    }

    /** How many versions the runs since a checkpoint {@code elapsedMillis} ago can have published, generously. */
    static long versionGap(long elapsedMillis, TrainerOperatorConfig config) {
        long deltas = ceilDiv(elapsedMillis, config.get(TrainerOperatorConfig.DELTA_INTERVAL));
        long fulls = ceilDiv(elapsedMillis, config.get(TrainerOperatorConfig.FULL_UPDATE_INTERVAL));
        return 2 * (deltas + fulls) + RESTORE_SLACK;
    }

    private static long ceilDiv(long millis, Duration interval) {
        long step = interval.toMillis();
        return (millis + step - 1) / step;
    }
}
