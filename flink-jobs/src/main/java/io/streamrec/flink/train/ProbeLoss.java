package io.streamrec.flink.train;

import io.streamrec.model.train.OnlineTrainer;
import io.streamrec.schemas.TrainingExample;
import java.util.List;

/**
 * The trainer's loss on one fixed probe batch: a measure of how far the model has come that does not drift with
 * the stream, as the rolling training loss does (on a replay in time order that loss moves with the data as much
 * as with the weights, so it cannot tell a restored trainer from a fresh one).
 *
 * <p>The probe is the first batch the trainer trains on that holds at least half a batch from at least a sixteenth
 * of a batch of users (the trainer starts with whatever waits, often a few examples of one or two users, whose
 * in-batch loss says little about the model), and its <em>initial</em> loss is measured right after that step
 * (before it, the batch's ids are not yet in the vocabularies). It is measured again, with
 * {@link OnlineTrainer#probeLoss}, which changes nothing, at every publication (once per delta interval) and
 * at every checkpoint. The probe, its initial loss and its loss at the checkpoint are checkpointed with the
 * trainer; a restore measures the probe again on the restored weights and estimator, so the two figures agree
 * when the model came back whole, and both stay away from the initial loss when training resumed rather than
 * started over (on a drifting stream the probe's loss need not fall: its logQ correction follows the estimator and
 * the model follows later users). A trainer started without a checkpoint has no probe until its first step.
 *
 * <p>Set and measured on the training thread, or on the task thread before that thread starts or while it is
 * paused; the losses are volatile so gauges may read them from any thread.
 */
final class ProbeLoss {

    private List<TrainingExample> probe = List.of();
    private volatile double initial = Double.NaN;
    private volatile double latest = Double.NaN;
    private volatile double atCheckpoint = Double.NaN;
    private volatile double atRestore = Double.NaN;
    /** The trainer's step count when {@link #latest} was measured; -1 before. */
    private long measuredAtStep = -1;

    /** Takes {@code trained}, a batch the trainer just stepped on, as the probe; once taken, calls do nothing. */
    void takeIfAbsent(List<TrainingExample> trained, OnlineTrainer trainer) {
        if (probe.isEmpty() && !trained.isEmpty()) {
            probe = List.copyOf(trained);
            initial = trainer.probeLoss(probe);
            latest = initial;
            measuredAtStep = trainer.stepCount();
        }
    }

    /** Measures the probe under the trainer's current weights (nothing before the probe is taken). */
    void measure(OnlineTrainer trainer) {
        if (!probe.isEmpty()) {
            latest = trainer.probeLoss(probe);
            measuredAtStep = trainer.stepCount();
        }
    }

    /**
     * Whether {@link #latest} is the probe's loss on {@code trainer}'s weights as they are (no step since it was
     * measured), or there is no probe to measure.
     */
    boolean isCurrent(OnlineTrainer trainer) {
        return probe.isEmpty() || measuredAtStep == trainer.stepCount();
    }

    /**
     * Puts back a checkpointed probe (an empty one means none was taken yet) and measures it on {@code restored},
     * the trainer read from the same checkpoint.
     */
    void restore(List<TrainingExample> examples, double initialLoss, double lossAtCheckpoint, OnlineTrainer restored) {
        probe = List.copyOf(examples);
        initial = initialLoss;
        atCheckpoint = lossAtCheckpoint;
        latest = lossAtCheckpoint;
        measure(restored);
        atRestore = latest;
    }

    List<TrainingExample> examples() {
        return probe;
    }

    /** The probe's loss right after the first step; NaN before it. */
    double initial() {
        return initial;
    }

    /** The probe's loss at the latest publication, checkpoint or restore; NaN before the first step. */
    double latest() {
        return latest;
    }

    /** The loss stored in the checkpoint this trainer was restored from; NaN without one (or without a probe). */
    double atCheckpoint() {
        return atCheckpoint;
    }

    /** The loss measured on the weights restored from that checkpoint; NaN without one (or without a probe). */
    double atRestore() {
        return atRestore;
    }
}
