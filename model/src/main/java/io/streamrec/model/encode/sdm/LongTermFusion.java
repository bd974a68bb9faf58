package io.streamrec.model.encode.sdm;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SDM's long-term fusion of the per-feature summaries: p^u = tanh(W^p concat(z_f^u, f ∈ F) + b).
 *
 * <p>Input {@code NDList(concat z_f^u (B, Σ d_f))}; output {@code NDList(p^u (B,D))}.
 */
public class LongTermFusion extends AbstractBlock {

    private final int outputDim;
    private final Linear fusion;

    public LongTermFusion(int outputDim) {
        this.outputDim = outputDim;
        this.fusion =
                addChildBlock("fusion", Linear.builder().setUnits(outputDim).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(fusion.forward(ps, inputs, training).head().tanh());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        fusion.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputDim)};
    }
}
