package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.streamrec.model.FrozenState;
import io.streamrec.model.estimator.EstimatorOptions;
import io.streamrec.model.estimator.FrequencyEstimatorConfig;
import io.streamrec.model.estimator.StreamingFrequencyEstimator;
import io.streamrec.model.train.loss.ExtraNegatives;
import io.streamrec.model.train.loss.MixedNegativeCorrection;
import io.streamrec.model.train.loss.SampledSoftmaxBatch;
import io.streamrec.model.train.loss.SampledSoftmaxLoss;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * The loss of one training step (docs/design.md, "Training"): the streaming frequency estimator, updated inline with
 * the batch's targets at global step t, supplies log p̂ for the logQ-corrected in-batch
 * {@link SampledSoftmaxLoss}; with mixed negatives every column is corrected by its expected count
 * in the whole candidate set ({@link MixedNegativeCorrection}). The estimator is checkpointed with
 * the trainer.
 */
final class TrainingObjective {

    private final SampledSoftmaxLoss loss;
    private StreamingFrequencyEstimator estimator;

    TrainingObjective(TrainerConfig config) {
        this.loss = new SampledSoftmaxLoss(
                config.get(TrainerOptions.TEMPERATURE).floatValue(), config.get(TrainerOptions.LOGQ_CORRECTION));
        this.estimator = new StreamingFrequencyEstimator(new FrequencyEstimatorConfig(
                config.get(EstimatorOptions.HASH_SLOTS),
                config.get(EstimatorOptions.HASH_FUNCTIONS),
                config.get(EstimatorOptions.LEARNING_RATE),
                config.get(TrainerOptions.SEED)));
    }

    /**
     * @param users          (B, D) user vectors
     * @param targets        (B, D) target item vectors
     * @param targetIds      the targets' item ids (estimator keys)
     * @param targetRows     their item rows (accidental-hit keys)
     * @param rewards        r_i per example
     * @param negatives      (M + R, D) extra negatives (M uniform, then R recent targets), or null
     * @param negativeIds    their item ids
     * @param negativeRows   their item rows
     * @param counts         how the extra negatives were drawn
     * @param notNegative    (B, B+M+R) columns that are not negatives of a row, or null
     * @param logitBonus     (B, B+M+R) added to the logits, or null
     */
    NDArray loss(
            NDArray users,
            NDArray targets,
            List<String> targetIds,
            long[] targetRows,
            float[] rewards,
            NDArray negatives,
            List<String> negativeIds,
            long[] negativeRows,
            Negatives counts,
            NDArray notNegative,
            NDArray logitBonus) {
        NDManager manager = users.getManager();
        estimator.update(targetIds);
        NDArray targetLogQ = manager.create(estimator.logProbabilities(targetIds));
        ExtraNegatives extra = null;
        if (negatives != null) {
            targetLogQ = counts.correct(targetLogQ, targetIds.size());
            NDArray negativeLogQ =
                    counts.correct(manager.create(estimator.logProbabilities(negativeIds)), targetIds.size());
            extra = new ExtraNegatives(negatives, manager.create(negativeRows), negativeLogQ);
        }
        return loss.evaluate(new SampledSoftmaxBatch(
                users,
                targets,
                manager.create(targetRows),
                targetLogQ,
                manager.create(rewards),
                extra,
                notNegative,
                logitBonus));
    }

    /**
     * How a step's extra negatives were drawn: M uniformly from the |V| items, R from recent training targets.
     * In-batch targets occur p̂_j times per batch of B (the estimator's figure), R recent targets drawn from the
     * same stream add p̂_j·R/B, and M uniform draws add M/|V|, so every column is corrected by
     * log(p̂_j·(1 + R/B) + M/|V|), its expected count in the whole candidate set ({@link MixedNegativeCorrection}).
     */
    record Negatives(int uniform, int recent, int vocabularySize) {

        NDArray correct(NDArray logEstimatedCount, int batchSize) {
            NDArray scaled = recent == 0
                    ? logEstimatedCount
                    : logEstimatedCount.add((float) Math.log1p((double) recent / batchSize));
            return uniform == 0
                    ? scaled
                    : MixedNegativeCorrection.logExpectedCount(scaled, uniform, Math.max(1, vocabularySize));
        }
    }

    /**
     * The in-batch loss of a probe batch (no extra negatives), corrected by the estimator as it stands: read, not
     * updated, so probing leaves the training state as it was.
     */
    NDArray probeLoss(NDArray users, NDArray targets, List<String> targetIds, long[] targetRows, float[] rewards) {
        NDManager manager = users.getManager();
        return loss.evaluate(new SampledSoftmaxBatch(
                users,
                targets,
                manager.create(targetRows),
                manager.create(estimator.logProbabilities(targetIds)),
                manager.create(rewards),
                null));
    }

    /** The estimator itself, for reads on the trainer's thread. */
    StreamingFrequencyEstimator estimator() {
        return estimator;
    }

    /** A copy of the estimator, for readers that must not change the training state. */
    StreamingFrequencyEstimator estimatorCopy() {
        return estimator.copy();
    }

    void writeTo(DataOutput out) throws IOException {
        estimator.writeTo(out);
    }

    /** A copy of the estimator's arrays, as {@link #writeTo} writes them. */
    FrozenState freeze() {
        return estimator.copy()::writeTo;
    }

    void readFrom(DataInput in) throws IOException {
        estimator = StreamingFrequencyEstimator.readFrom(in);
    }
}
