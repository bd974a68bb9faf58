package io.streamrec.model.encode.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention over a right-padded sequence (Vaswani et al. 2017, as used by SDM).
 *
 * <p>head_i = softmax(X W_i^Q (X W_i^K)ᵀ / √d_h) X W_i^V, X̂ = concat(head_1..head_h) W^O.
 *
 * <p>Input {@code NDList(x (B,T,D), mask (B,T))}; output {@code NDList(x̂ (B,T,D))}. Padded keys get
 * zero attention, so padded values never reach a real position; rows at padded queries are not
 * meaningful and are left for the caller's mask. Written here rather than using DJL's
 * {@code ScaledDotProductAttentionBlock} because that block adds dropout and masks with a finite
 * −10000 offset, under which an all-padded row still averages the padded values.
 */
public class MultiHeadSelfAttention extends AbstractBlock {

    private final int modelDim;
    private final int heads;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;

    public MultiHeadSelfAttention(int modelDim, int heads) {
        if (heads <= 0 || modelDim % heads != 0) {
            throw new IllegalArgumentException("attention heads (" + heads + ") must be positive and divide the width "
                    + modelDim + "; pick a head count that divides it");
        }
        this.modelDim = modelDim;
        this.heads = heads;
        this.query = addChildBlock("query", Linear.builder().setUnits(modelDim).build());
        this.key = addChildBlock("key", Linear.builder().setUnits(modelDim).build());
        this.value = addChildBlock("value", Linear.builder().setUnits(modelDim).build());
        this.output =
                addChildBlock("output", Linear.builder().setUnits(modelDim).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray mask = inputs.get(1);
        long batch = x.getShape().get(0);
        long steps = x.getShape().get(1);
        NDArray q = splitHeads(query.forward(ps, new NDList(x), training).head(), batch, steps);
        NDArray k = splitHeads(key.forward(ps, new NDList(x), training).head(), batch, steps);
        NDArray v = splitHeads(value.forward(ps, new NDList(x), training).head(), batch, steps);
        NDArray products = q.matMul(k.transpose(0, 1, 3, 2));
        NDArray scores = products.div(GraphScalar.of((float) Math.sqrt((double) modelDim / heads), products));
        NDArray weights = MaskedSoftmax.apply(scores, mask.reshape(batch, 1, 1, steps), 3);
        NDArray merged = weights.matMul(v).transpose(0, 2, 1, 3).reshape(batch, steps, modelDim);
        return output.forward(ps, new NDList(merged), training);
    }

    private NDArray splitHeads(NDArray projected, long batch, long steps) {
        return projected.reshape(batch, steps, heads, modelDim / heads).transpose(0, 2, 1, 3);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        query.initialize(manager, dataType, x);
        key.initialize(manager, dataType, x);
        value.initialize(manager, dataType, x);
        output.initialize(manager, dataType, new Shape(x.get(0), x.get(1), modelDim));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), modelDim)};
    }
}
