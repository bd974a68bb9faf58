package io.streamrec.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The training objective of DESIGN §7 in one place: in-batch sampled softmax over L2-normalised
 * vectors, s^c(i,j) = ⟨u_i,v_j⟩/τ − log p̂_j, accidental hits masked, reward-weighted, optional mixed
 * negatives. Interim implementation until {@code SampledSoftmaxLoss} and
 * {@code StreamingFrequencyEstimator} (branch wt/estimator) are merged; p̂ is uniform until then.
 */
final class CorrectedSoftmax {

    private static final float MASKED = -1e9f;

    private final float temperature;
    private final boolean correction;

    CorrectedSoftmax(TrainerConfig config) {
        this.temperature = config.temperature();
        this.correction = config.logQCorrection();
    }

    /**
     * @param users        (B, D) user vectors
     * @param targets      (B, D) target item vectors
     * @param targetIds    the targets' item ids, for accidental-hit masking
     * @param rewards      r_i per example
     * @param negatives    (M, D) mixed negatives, or null
     * @param negativeIds  their item ids (masked where they equal a row's target)
     * @param negativeLogQ log of a mixed negative's expected draws per batch
     * @return the scalar loss L = −(1/B) Σ r_i log softmax_j(s^c(i,·))_i
     */
    NDArray loss(NDArray users, NDArray targets, List<String> targetIds, float[] rewards,
                 NDArray negatives, List<String> negativeIds, float negativeLogQ) {
        NDManager manager = users.getManager();
        int batch = targetIds.size();
        NDArray u = users.normalize(2, 1);
        NDArray logits = u.matMul(targets.normalize(2, 1).transpose()).div(temperature);
        List<String> columnIds = new ArrayList<>(targetIds);
        if (negatives != null) {
            NDArray negativeLogits = u.matMul(negatives.normalize(2, 1).transpose()).div(temperature);
            if (correction) {
                negativeLogits = negativeLogits.sub(negativeLogQ);
            }
            logits = NDArrays.concat(new NDList(logits, negativeLogits), 1);
            columnIds.addAll(negativeIds);
        }
        int columns = columnIds.size();
        float[] mask = new float[batch * columns];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < columns; j++) {
                if (i != j && targetIds.get(i).equals(columnIds.get(j))) {
                    mask[i * columns + j] = MASKED;
                }
            }
        }
        logits = logits.add(manager.create(mask, new Shape(batch, columns)));
        NDArray positive = logits.logSoftmax(1).mul(manager.eye(batch, columns, 0, logits.getDataType())).sum(new int[] {1});
        return positive.mul(manager.create(rewards)).sum().neg().div(batch);
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeBoolean(correction);
    }

    void readFrom(DataInput in) throws IOException {
        in.readBoolean();
    }
}
