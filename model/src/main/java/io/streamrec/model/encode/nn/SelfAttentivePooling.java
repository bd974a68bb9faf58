package io.streamrec.model.encode.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Structured self-attentive pooling (Lin et al. 2017) with r heads and no external query.
 *
 * <p>A_j = softmax_t(tanh(X W_{j,1}) W_{j,2}) over real positions, pooled_j = A_j X. With a shared
 * projection every head uses the same W_1 (Lin et al.); with per-head projections head j has its own
 * W_{j,1} (SINE's attention weighting).
 *
 * <p>Input {@code NDList(x (B,T,D), mask (B,T))}; output {@code NDList(weights (B,r,T), pooled (B,r,D))}.
 */
public class SelfAttentivePooling extends AbstractBlock {

    private final int heads;
    private final int hiddenDim;
    private final boolean perHeadProjection;
    private final Linear projection;
    private final Parameter headWeights;

    public SelfAttentivePooling(int heads, int hiddenDim, boolean perHeadProjection) {
        this.heads = heads;
        this.hiddenDim = hiddenDim;
        this.perHeadProjection = perHeadProjection;
        int projected = perHeadProjection ? heads * hiddenDim : hiddenDim;
        this.projection = addChildBlock(
                "projection",
                Linear.builder().setUnits(projected).optBias(false).build());
        this.headWeights = addParameter(Parameter.builder()
                .setName("headWeights")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(heads, hiddenDim))
                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        long batch = x.getShape().get(0);
        long steps = x.getShape().get(1);
        NDArray hidden = projection.forward(ps, new NDList(x), training).head().tanh();
        NDArray w2 = ps.getValue(headWeights, x.getDevice(), training);
        NDArray scores = perHeadProjection
                ? hidden.reshape(batch, steps, heads, hiddenDim).mul(w2).sum(new int[] {3})
                : Linear.linear(hidden, w2).head();
        NDArray weights = MaskedSoftmax.apply(scores.transpose(0, 2, 1), mask.expandDims(1), 2);
        return new NDList(weights, weights.matMul(x));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        projection.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), heads, x.get(1)), new Shape(x.get(0), heads, x.get(2))};
    }
}
