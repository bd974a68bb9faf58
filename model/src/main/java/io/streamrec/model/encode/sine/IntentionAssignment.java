package io.streamrec.model.encode.sine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SINE's intention assignment, how likely item t belongs to intention k: P_{k|t} = softmax_k(LN₁(X_t W3) · LN₂(C^u_k)).
 *
 * <p>Input {@code NDList(X (B,T,D), C^u (B,K,D))}; output {@code NDList(P_{k|t} (B,T,K))}. Rows at padded t
 * are not meaningful; every consumer weights them by a masked P_{t|k} or masked attention.
 */
public class IntentionAssignment extends AbstractBlock {

    private final Linear itemProjection;
    private final LayerNorm itemNorm;
    private final LayerNorm conceptNorm;

    public IntentionAssignment(int dim) {
        this.itemProjection = addChildBlock(
                "itemProjection", Linear.builder().setUnits(dim).optBias(false).build());
        this.itemNorm = addChildBlock("itemNorm", LayerNorm.builder().axis(2).build());
        this.conceptNorm =
                addChildBlock("conceptNorm", LayerNorm.builder().axis(2).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray items = itemNorm.forward(ps, itemProjection.forward(ps, new NDList(inputs.get(0)), training), training)
                .head();
        NDArray concepts =
                conceptNorm.forward(ps, new NDList(inputs.get(1)), training).head();
        return new NDList(items.matMul(concepts.transpose(0, 2, 1)).softmax(2));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        itemProjection.initialize(manager, dataType, inputShapes[0]);
        itemNorm.initialize(manager, dataType, inputShapes[0]);
        conceptNorm.initialize(manager, dataType, inputShapes[1]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), inputShapes[1].get(1))};
    }
}
