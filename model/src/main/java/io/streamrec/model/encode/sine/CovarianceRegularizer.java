package io.streamrec.model.encode.sine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamrec.model.encode.nn.GraphScalar;

/**
 * SINE's covariance regulariser, which pushes the concept prototypes apart:
 * M = (1/D)(C − C̄)(C − C̄)ᵀ, L_c = ½(‖M‖²_F − ‖diag M‖²).
 *
 * <p>C̄ holds each prototype's mean over its D components, so M_ij is the covariance of prototypes i and j
 * across dimensions and L_c sums the squared off-diagonal covariances (each pair once).
 *
 * <p>Input {@code NDList(C (L,D))}, which must not be a parameter array itself (see ConceptActivation);
 * output {@code NDList(L_c ())}.
 */
public class CovarianceRegularizer extends AbstractBlock {

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray concepts = inputs.head();
        long dim = concepts.getShape().get(1);
        NDArray centred = concepts.sub(concepts.mean(new int[] {1}, true));
        NDArray perDimension = GraphScalar.of((float) dim, centred);
        NDArray covariance = centred.matMul(centred.transpose()).div(perDimension);
        NDArray variances = centred.square().sum(new int[] {1}).div(perDimension);
        NDArray offDiagonal = covariance.square().sum().sub(variances.square().sum());
        return new NDList(offDiagonal.mul(GraphScalar.of(0.5f, offDiagonal)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape()};
    }
}
