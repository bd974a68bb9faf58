package io.streamrec.model.embed;

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

/**
 * The item tower (docs/design.md, "Models"): v_i = MLP(e_i), or v_i = e_i when no MLP is configured. The same
 * tower embeds the softmax's target items and the serving index's items, and e_i itself is what
 * the encoders read, so both sides share one set of item embeddings.
 */
public final class ItemTower extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int outputDim;
    private final SequentialBlock mlp;

    /**
     * @param outputDim D
     * @param hidden    widths of the hidden ReLU layers before the final linear layer to D
     * @param useMlp    false for the identity tower, which needs D_item = D
     */
    public ItemTower(int outputDim, int[] hidden, boolean useMlp) {
        super(VERSION);
        this.outputDim = outputDim;
        if (useMlp) {
            SequentialBlock layers = new SequentialBlock();
            for (int width : hidden) {
                layers.add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock());
            }
            layers.add(Linear.builder().setUnits(outputDim).build());
            this.mlp = addChildBlock("mlp", layers);
        } else {
            this.mlp = null;
        }
    }

    /** True when the tower has trainable parameters, so every item vector moves on every step. */
    public boolean hasMlp() {
        return mlp != null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return mlp == null ? inputs : mlp.forward(parameterStore, inputs, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (mlp == null) {
            if (inputShapes[0].get(1) != outputDim) {
                throw new IllegalArgumentException("an item tower without MLP needs D_item (" + inputShapes[0].get(1)
                        + ") = D (" + outputDim + "); enable the MLP or make the feature widths sum to D");
            }
            return;
        }
        mlp.initialize(manager, dataType, inputShapes);
    }
}
