package io.streamrec.model.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * M negatives beyond the in-batch targets, e.g. drawn uniformly from the vocabulary for mixed
 * negative sampling (Yang et al., WWW 2020). Every row of the batch scores all of them.
 *
 * @param vectors (M, D) item vectors, not necessarily normalised
 * @param ids     (M) integer ids; a negative equal to a row's target is masked for that row
 * @param logQ    (M) the log of each negative's expected count in the candidate set, see
 *                {@link MixedNegativeCorrection}
 */
public record ExtraNegatives(NDArray vectors, NDArray ids, NDArray logQ) {

    public ExtraNegatives {
        if (vectors.getShape().dimension() != 2) {
            throw new IllegalArgumentException("extra negative vectors must be (M, D), got " + vectors.getShape());
        }
        Shape perNegative = new Shape(vectors.getShape().get(0));
        SampledSoftmaxBatch.requireShape("extra negative ids", ids, perNegative);
        SampledSoftmaxBatch.requireShape("extra negative logQ", logQ, perNegative);
        if (!ids.getDataType().isInteger()) {
            throw new IllegalArgumentException("extra negative ids must be integer ids, got " + ids.getDataType());
        }
    }

    /** M. */
    public long size() {
        return vectors.getShape().get(0);
    }
}
