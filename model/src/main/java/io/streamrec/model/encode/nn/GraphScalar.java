package io.streamrec.model.encode.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arithmetic that autograd records.
 *
 * <p>DJL's number forms ({@code x.div(2f)}, and likewise {@code mul}, {@code pow}, {@code maximum},
 * {@code minimum}, {@code mod} and their in-place variants) wrap the number in a 0-d array whose memory is a
 * Java direct buffer, and close that array as soon as the operation returns. PyTorch's autograd keeps the tensor to
 * compute the backward pass (the divisor, the factor), but nothing on the Java side keeps the buffer: a garbage
 * collection between the forward and the backward pass frees it, and the backward pass then reads whatever the
 * allocator wrote there (measured: infinity, -1e-33). Whether that happens depends on when the JVM happens to
 * collect, so a training run was silently and unrepeatably corrupted, rarely enough to look deterministic.
 *
 * <p>A scalar made here lives in PyTorch's own memory, which autograd's reference keeps alive, and belongs to the
 * manager of the array it combines with like any other intermediate of the batch. The number forms stay fine
 * where no gradient is recorded through the result, e.g. on masks.
 */
public final class GraphScalar {

    private GraphScalar() {}

    /** {@code value} as a 0-d array of {@code like}'s data type, in {@code like}'s manager, in PyTorch's memory. */
    public static NDArray of(float value, NDArray like) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }
}
