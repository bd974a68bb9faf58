package io.streamrec.model.encode.sine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamrec.model.encode.nn.SelfAttentivePooling;

/**
 * SINE's attention weighting, how important item t is to intention k:
 * P_{t|k} = softmax_t(tanh(X'_t W_{k,1}) W_{k,2}), with X' = X + position embeddings.
 *
 * <p>Input {@code NDList(X (B,T,D), mask (B,T))}; output {@code NDList(P_{t|k} (B,K,T))}, zero at padded t.
 */
public class AttentionWeighting extends AbstractBlock {

    private final int interestCount;
    private final int maxLength;
    private final Parameter positions;
    private final SelfAttentivePooling perIntention;

    public AttentionWeighting(int interestCount, int dim, int maxLength) {
        this.interestCount = interestCount;
        this.maxLength = maxLength;
        this.positions = addParameter(Parameter.builder()
                .setName("positions")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(maxLength, dim))
                .build());
        this.perIntention = addChildBlock("perIntention", new SelfAttentivePooling(interestCount, dim, true));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        int steps = Math.toIntExact(x.getShape().get(1));
        if (steps > maxLength) {
            throw new IllegalArgumentException("session of " + steps + " positions exceeds the " + maxLength
                    + " position embeddings; raise sine.max.session.length or cap the session length");
        }
        // one-hot rows × table rather than slicing the table: the result must live in the batch's scope
        NDArray positional = x.getManager()
                .arange(0, steps, 1, DataType.INT64)
                .oneHot(maxLength)
                .matMul(ps.getValue(positions, x.getDevice(), training));
        NDList weighted = perIntention.forward(ps, new NDList(x.add(positional), inputs.get(1)), training);
        return new NDList(weighted.get(0));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        perIntention.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), interestCount, x.get(1))};
    }
}
