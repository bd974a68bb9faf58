package io.streamrec.model.encode.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderInput;

/**
 * u = MLP(concat(mean(S^u), mean(L_f^u) for f ∈ F, e_u)), each mean taken over unmasked positions
 * only (zero for an all-masked sequence).
 */
final class MeanPoolBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final EncoderDimensions dimensions;
    private final SequentialBlock mlp;

    MeanPoolBlock(EncoderDimensions dimensions, int[] hidden) {
        super(VERSION);
        this.dimensions = dimensions;
        SequentialBlock layers = new SequentialBlock();
        for (int width : hidden) {
            layers.add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock());
        }
        layers.add(Linear.builder().setUnits(dimensions.outputDim()).build());
        this.mlp = addChildBlock("mlp", layers);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList pooled = new NDList();
        pooled.add(maskedMean(inputs.get(EncoderInput.SESSION), inputs.get(EncoderInput.SESSION_MASK)));
        for (Feature f : Feature.values()) {
            pooled.add(maskedMean(inputs.get(EncoderInput.longTerm(f)), inputs.get(EncoderInput.longTermMask(f))));
        }
        pooled.add(inputs.get(EncoderInput.USER));
        NDArray user = mlp.forward(parameterStore, new NDList(NDArrays.concat(pooled, 1)), training, params)
                .singletonOrThrow();
        return new NDList(user.expandDims(1), user);
    }

    /** x̄ = Σ_t m_t x_t / max(1, Σ_t m_t): (B,T,d), (B,T) → (B,d). */
    static NDArray maskedMean(NDArray sequence, NDArray mask) {
        NDArray weights = mask.expandDims(2);
        NDArray count = mask.sum(new int[] {1}, true).maximum(1f);
        return sequence.mul(weights).sum(new int[] {1}).div(count);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[EncoderInput.SESSION].get(0);
        int d = dimensions.outputDim();
        return new Shape[] {new Shape(batch, 1, d), new Shape(batch, d)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int width = 2 * dimensions.itemInputDim() + dimensions.userDim();
        mlp.initialize(manager, dataType, new Shape(1, width));
    }
}
