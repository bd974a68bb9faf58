package io.streamrec.model.encode.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Brings a parameter's value into the memory scope of a batch.
 *
 * <p>A DJL result belongs to the manager of the first array of the operation. An operation that
 * has to start with a parameter (centering it, transposing it) would therefore leave its result in
 * the model's long-lived manager, one leak per forward pass. Adding the parameter to a zero owned by
 * the batch copies it into the batch's manager instead, and keeps the gradient path to the parameter.
 * Only for small parameters: it costs one copy.
 */
public final class ScopedParameter {

    private ScopedParameter() {}

    /** A differentiable copy of {@code parameter} owned by the manager of {@code batchArray}. */
    public static NDArray of(NDArray parameter, NDArray batchArray) {
        return batchArray
                .getManager()
                .zeros(new Shape(), parameter.getDataType())
                .add(parameter);
    }
}
