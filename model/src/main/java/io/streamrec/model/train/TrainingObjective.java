package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
     * @param negatives      (M, D) mixed negatives, or null
     * @param negativeIds    their item ids
     * @param negativeRows   their item rows
     * @param vocabularySize |V|, the number of items negatives are drawn from
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
            int vocabularySize) {
        NDManager manager = users.getManager();
        estimator.update(targetIds);
        NDArray targetLogQ = manager.create(estimator.logProbabilities(targetIds));
        ExtraNegatives extra = null;
        if (negatives != null) {
            int m = negativeIds.size();
            targetLogQ = MixedNegativeCorrection.logExpectedCount(targetLogQ, m, vocabularySize);
            NDArray negativeLogQ = MixedNegativeCorrection.logExpectedCount(
                    manager.create(estimator.logProbabilities(negativeIds)), m, vocabularySize);
            extra = new ExtraNegatives(negatives, manager.create(negativeRows), negativeLogQ);
        }
        return loss.evaluate(new SampledSoftmaxBatch(
                users, targets, manager.create(targetRows), targetLogQ, manager.create(rewards), extra));
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

    /** A copy of the estimator, for readers that must not change the training state. */
    StreamingFrequencyEstimator estimatorCopy() {
        return estimator.copy();
    }

    void writeTo(DataOutput out) throws IOException {
        estimator.writeTo(out);
    }

    void readFrom(DataInput in) throws IOException {
        estimator = StreamingFrequencyEstimator.readFrom(in);
    }
}
