package io.streamrec.model.encode.sdm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SDM's gate between short- and long-term interest: G = sigmoid(W¹e_u + W²s_t^u + W³p^u + b),
 * o_t^u = (1 − G) ⊙ p^u + G ⊙ s_t^u. The three matrices act as one on concat(e_u, s_t^u, p^u).
 *
 * <p>Input {@code NDList(e_u (B,D), s_t^u (B,D), p^u (B,D))}; output {@code NDList(o_t^u (B,D), G (B,D))}.
 */
public class GatedFusion extends AbstractBlock {

    private final int dim;
    private final Linear gate;

    public GatedFusion(int dim) {
        this.dim = dim;
        this.gate = addChildBlock("gate", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray user = inputs.get(0);
        NDArray shortTerm = inputs.get(1);
        NDArray longTerm = inputs.get(2);
        NDArray joint = user.concat(shortTerm, 1).concat(longTerm, 1);
        NDArray g =
                Activation.sigmoid(gate.forward(ps, new NDList(joint), training).head());
        NDArray fused = longTerm.add(g.mul(shortTerm.sub(longTerm)));
        return new NDList(fused, g);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        gate.initialize(manager, dataType, new Shape(inputShapes[0].get(0), 3L * dim));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape out = new Shape(inputShapes[0].get(0), dim);
        return new Shape[] {out, out};
    }
}
