package io.streamrec.model.encode.sine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamrec.model.encode.nn.ScopedParameter;
import io.streamrec.model.encode.nn.SelfAttentivePooling;

/**
 * SINE's sparse concept activation: a = softmax(tanh(X W1) W2), z_u = aᵀX, s^u = C z_u,
 * idx = top-K(s^u), C^u = C(idx) ⊙ sigmoid(s^u(idx)).
 *
 * <p>The hard top-K has no gradient, so the sigmoid gate carries one: through it the scores s^u, hence
 * z_u and the activation weights W1/W2, learn which concepts to pick.
 *
 * <p>Input {@code NDList(X (B,T,D), mask (B,T))}; output {@code NDList(C^u (B,K,D), C (L,D))}, the pool
 * itself in the batch's memory scope, for the covariance regulariser.
 */
public class ConceptActivation extends AbstractBlock {

    private final int conceptCount;
    private final int interestCount;
    private final SelfAttentivePooling sequenceAttention;
    private final Parameter conceptPool;

    public ConceptActivation(int conceptCount, int interestCount, int dim) {
        this.conceptCount = conceptCount;
        this.interestCount = interestCount;
        this.sequenceAttention = addChildBlock("sequenceAttention", new SelfAttentivePooling(1, dim, false));
        this.conceptPool = addParameter(Parameter.builder()
                .setName("conceptPool")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(conceptCount, dim))
                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray pool = ps.getValue(conceptPool, x.getDevice(), training);
        NDArray summary = sequenceAttention.forward(ps, inputs, training).get(1).squeeze(1);
        NDArray scores = Linear.linear(summary, pool).head();
        NDList top = scores.topK(interestCount, 1, true, false);
        NDArray selection = top.get(1).oneHot(conceptCount);
        NDArray activated =
                selection.matMul(pool).mul(Activation.sigmoid(top.get(0)).expandDims(2));
        return new NDList(activated, ScopedParameter.of(pool, x));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        sequenceAttention.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), interestCount, x.get(2)), new Shape(conceptCount, x.get(2))};
    }
}
