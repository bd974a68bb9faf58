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
 * Pools a padded sequence of keys into one vector, weighted by their match with a query.
 *
 * <p>α_k = softmax_k(g_kᵀ W q) over real positions, z = Σ_k α_k g_k. With a query of the keys' own
 * width W is the identity (a plain dot product); otherwise W (d_key × d_query, learned) maps the
 * query into the keys' space, a bilinear match.
 *
 * <p>Input {@code NDList(keys (B,T,d_key), mask (B,T), query (B,d_query))}; output
 * {@code NDList(z (B,d_key), α (B,T))}. An all-padded sequence pools to zeros.
 */
public class AttentionPooling extends AbstractBlock {

    private final int keyDim;
    private final Linear queryProjection;

    /**
     * @param keyDim   width of the keys (and of the pooled vector)
     * @param queryDim width of the query; a learned projection is added only when it differs from keyDim
     */
    public AttentionPooling(int keyDim, int queryDim) {
        this.keyDim = keyDim;
        this.queryProjection = keyDim == queryDim
                ? null
                : addChildBlock(
                        "queryProjection",
                        Linear.builder().setUnits(keyDim).optBias(false).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray keys = inputs.get(0);
        NDArray mask = inputs.get(1);
        NDArray query = inputs.get(2);
        if (queryProjection != null) {
            query = queryProjection.forward(ps, new NDList(query), training).head();
        }
        NDArray scores = keys.matMul(query.expandDims(2)).squeeze(2);
        NDArray weights = MaskedSoftmax.apply(scores, mask, 1);
        NDArray pooled = weights.expandDims(1).matMul(keys).squeeze(1);
        return new NDList(pooled, weights);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (queryProjection != null) {
            queryProjection.initialize(manager, dataType, inputShapes[2]);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape keys = inputShapes[0];
        return new Shape[] {new Shape(keys.get(0), keyDim), new Shape(keys.get(0), keys.get(1))};
    }
}
