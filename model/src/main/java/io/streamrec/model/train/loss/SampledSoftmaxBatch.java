package io.streamrec.model.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;

/**
 * One batch for {@link SampledSoftmaxLoss}: B (user, target item) pairs whose targets are each
 * other's negatives, plus optional extra negatives.
 *
 * @param users      U, (B, D) user vectors, not necessarily normalised
 * @param targets    V, (B, D) target item vectors, not necessarily normalised
 * @param targetIds  (B) integer ids (vocabulary rows) of the target items; equal ids are accidental hits
 * @param targetLogQ (B) log p̂ of each target, the sampling correction of its column
 * @param rewards    (B) r_i, the weight of each example's log-likelihood
 * @param extra      M extra negatives shared by all rows, or null
 * @param notNegative (B, B+M) boolean, or null: true where a column must not be a negative of a row (e.g. an
 *                   item the row's user already took, or that user's other targets); a row's own column is
 *                   never masked
 * @param logitBonus (B, B+M) float, or null: added to the logits before the correction (e.g. a learnt
 *                   repeat-consumption score), differentiable
 */
public record SampledSoftmaxBatch(
        NDArray users,
        NDArray targets,
        NDArray targetIds,
        NDArray targetLogQ,
        NDArray rewards,
        ExtraNegatives extra,
        NDArray notNegative,
        NDArray logitBonus) {

    public SampledSoftmaxBatch {
        if (users.getShape().dimension() != 2) {
            throw new IllegalArgumentException("users must be (B, D), got " + users.getShape());
        }
        long b = users.getShape().get(0);
        long d = users.getShape().get(1);
        requireShape("targets", targets, new Shape(b, d));
        requireShape("targetIds", targetIds, new Shape(b));
        requireShape("targetLogQ", targetLogQ, new Shape(b));
        requireShape("rewards", rewards, new Shape(b));
        if (!targetIds.getDataType().isInteger()) {
            throw new IllegalArgumentException(
                    "targetIds must be integer ids (vocabulary rows), got " + targetIds.getDataType());
        }
        if (extra != null) {
            requireShape("extra negative vectors", extra.vectors(), new Shape(extra.size(), d));
        }
        Shape logits = new Shape(b, b + (extra == null ? 0 : extra.size()));
        if (notNegative != null) {
            requireShape("notNegative", notNegative, logits);
        }
        if (logitBonus != null) {
            requireShape("logitBonus", logitBonus, logits);
        }
    }

    /** The same batch with extra negatives, without masks or bonus. */
    public SampledSoftmaxBatch(
            NDArray users,
            NDArray targets,
            NDArray targetIds,
            NDArray targetLogQ,
            NDArray rewards,
            ExtraNegatives extra) {
        this(users, targets, targetIds, targetLogQ, rewards, extra, null, null);
    }

    /** The same batch without extra negatives. */
    public SampledSoftmaxBatch(NDArray users, NDArray targets, NDArray targetIds, NDArray targetLogQ, NDArray rewards) {
        this(users, targets, targetIds, targetLogQ, rewards, null, null, null);
    }

    public int size() {
        return Math.toIntExact(users.getShape().get(0));
    }

    public Optional<ExtraNegatives> extraNegatives() {
        return Optional.ofNullable(extra);
    }

    static void requireShape(String name, NDArray array, Shape expected) {
        if (!array.getShape().equals(expected)) {
            throw new IllegalArgumentException(
                    name + " must have shape " + expected + " to match the batch, got " + array.getShape());
        }
    }
}
