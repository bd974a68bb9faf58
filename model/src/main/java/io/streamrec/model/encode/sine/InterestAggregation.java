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
import io.streamrec.model.encode.nn.GraphScalar;
import io.streamrec.model.encode.nn.SelfAttentivePooling;

/**
 * SINE's interest aggregation: the intention sequence X̂ = P^u C^u predicts the current intention
 * C_apt = LN₄(softmax(tanh(X̂ W3') W4')ᵀ X̂), which weights the interests: e_k = softmax_k(C_aptᵀ φ^k / τ),
 * v_u = Σ_k e_k φ^k.
 *
 * <p>Input {@code NDList(P_{k|t} (B,T,K), C^u (B,K,D), mask (B,T), φ (B,K,D))}; output
 * {@code NDList(v_u (B,D), e (B,K))}.
 */
public class InterestAggregation extends AbstractBlock {

    private final float temperature;
    private final SelfAttentivePooling intentionAttention;
    private final LayerNorm intentionNorm;

    public InterestAggregation(int dim, float temperature) {
        this.temperature = temperature;
        this.intentionAttention = addChildBlock("intentionAttention", new SelfAttentivePooling(1, dim, false));
        this.intentionNorm =
                addChildBlock("intentionNorm", LayerNorm.builder().axis(1).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray intentions = inputs.get(0).matMul(inputs.get(1));
        NDArray pooled = intentionAttention
                .forward(ps, new NDList(intentions, inputs.get(2)), training)
                .get(1)
                .squeeze(1);
        NDArray current =
                intentionNorm.forward(ps, new NDList(pooled), training).head();
        NDArray interests = inputs.get(3);
        NDArray matches = interests.matMul(current.expandDims(2)).squeeze(2);
        NDArray weights = matches.div(GraphScalar.of(temperature, matches)).softmax(1);
        return new NDList(weights.expandDims(1).matMul(interests).squeeze(1), weights);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape steps = inputShapes[0];
        Shape concepts = inputShapes[1];
        intentionAttention.initialize(
                manager, dataType, new Shape(steps.get(0), steps.get(1), concepts.get(2)), inputShapes[2]);
        intentionNorm.initialize(manager, dataType, new Shape(steps.get(0), concepts.get(2)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape interests = inputShapes[3];
        return new Shape[] {new Shape(interests.get(0), interests.get(2)), new Shape(interests.get(0), interests.get(1))
        };
    }
}
