package io.streamrec.model.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.streamrec.model.encode.nn.GraphScalar;
import java.util.function.Function;

/**
 * In-batch sampled softmax with the logQ correction of Yi et al. (RecSys 2019) and accidental-hit
 * masking, docs/design.md, "Training":
 * <pre>
 *   s(i,j)   = ⟨u_i, v_j⟩ / τ                     (u, v L2-normalised)
 *   s^c(i,j) = s(i,j) − log p̂_j                  (logQ correction, switchable)
 *   s^c(i,j) = −∞  if j ≠ i and y_j = y_i           (accidental hit)
 *   s^c(i,j) = −∞  if j ≠ i and j is not a negative of i (optional mask, e.g. items user i already took)
 *   L        = −(1/B) Σ_i r_i · log softmax_j(s^c(i,·))_i
 * </pre>
 * Columns are the B targets followed by the M {@link ExtraNegatives extra negatives}, if any.
 *
 * <p>Plain NDArray math with no parameters of its own, differentiable inside a GradientCollector.
 * Masked logits are set to {@value #MASKED_LOGIT} rather than −∞, so that their softmax weight is
 * exactly 0 while log-softmax and its gradient stay finite; a row's own column is never masked,
 * so every row has a finite log-sum-exp. Temporaries belong to the manager of {@code users}: close
 * it after the backward pass.
 */
public final class SampledSoftmaxLoss {
    /** The logit given to accidental hits: far below any real logit, finite in float32. */
    public static final float MASKED_LOGIT = -1e9f;

    private final float temperature;
    private final boolean logQCorrection;

    /**
     * @param temperature    τ > 0; the paper's default for normalised vectors is 0.05 to 0.1
     * @param logQCorrection whether to subtract log p̂_j (off only for comparisons)
     */
    public SampledSoftmaxLoss(float temperature, boolean logQCorrection) {
        if (!(temperature > 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive finite number, got " + temperature
                    + "; 0.05 to 0.1 is usual for L2-normalised vectors");
        }
        this.temperature = temperature;
        this.logQCorrection = logQCorrection;
    }

    public float temperature() {
        return temperature;
    }

    public boolean logQCorrection() {
        return logQCorrection;
    }

    /** L, a scalar. */
    public NDArray evaluate(SampledSoftmaxBatch batch) {
        NDManager manager = batch.users().getManager();
        int b = batch.size();
        NDArray users = normalised(batch.users());
        NDArray columns = normalised(concatExtra(batch.targets(), batch, ExtraNegatives::vectors));
        NDArray targetIds = batch.targetIds().toType(DataType.INT64, false);
        NDArray columnIds = concatExtra(targetIds, batch, extra -> extra.ids().toType(DataType.INT64, false));
        int n = Math.toIntExact(columns.getShape().get(0));

        NDArray similarities = users.matMul(columns.transpose());
        NDArray logits = similarities.div(GraphScalar.of(temperature, similarities));
        if (batch.logitBonus() != null) {
            logits = logits.add(batch.logitBonus());
        }
        if (logQCorrection) {
            NDArray columnLogQ = concatExtra(batch.targetLogQ(), batch, ExtraNegatives::logQ);
            logits = logits.sub(columnLogQ.reshape(1, n));
        }
        NDArray own = manager.eye(b, n, 0, DataType.BOOLEAN);
        NDArray sameItem = columnIds.reshape(1, n).eq(targetIds.reshape(b, 1));
        NDArray masked = batch.notNegative() == null ? sameItem : sameItem.logicalOr(batch.notNegative());
        NDArray accidentalHit = masked.logicalAnd(own.logicalNot());
        logits = NDArrays.where(accidentalHit, manager.full(logits.getShape(), MASKED_LOGIT), logits);

        NDArray logLikelihood =
                logits.logSoftmax(1).mul(own.toType(DataType.FLOAT32, false)).sum(new int[] {1});
        NDArray weighted = logLikelihood.mul(batch.rewards()).sum();
        return weighted.div(GraphScalar.of(-b, weighted));
    }

    private static NDArray normalised(NDArray vectors) {
        return vectors.normalize(2, 1, 1e-12);
    }

    private static NDArray concatExtra(
            NDArray inBatch, SampledSoftmaxBatch batch, Function<ExtraNegatives, NDArray> part) {
        return batch.extraNegatives()
                .map(extra -> NDArrays.concat(new NDList(inBatch, part.apply(extra)), 0))
                .orElse(inBatch);
    }
}
