package io.streamrec.model.encode.sine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SINE's interest embeddings: φ^k = LN₃(Σ_t P_{k|t} · P_{t|k} · X_t).
 *
 * <p>Input {@code NDList(P_{k|t} (B,T,K), P_{t|k} (B,K,T), X (B,T,D))}; output {@code NDList(φ (B,K,D))}.
 */
public class InterestEmbedding extends AbstractBlock {

    private final LayerNorm interestNorm;

    public InterestEmbedding() {
        this.interestNorm =
                addChildBlock("interestNorm", LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray membership = inputs.get(0).transpose(0, 2, 1).mul(inputs.get(1));
        return interestNorm.forward(ps, new NDList(membership.matMul(inputs.get(2))), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        interestNorm.initialize(manager, dataType, getOutputShapes(inputShapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape weights = inputShapes[1];
        return new Shape[] {new Shape(weights.get(0), weights.get(1), inputShapes[2].get(2))};
    }
}
