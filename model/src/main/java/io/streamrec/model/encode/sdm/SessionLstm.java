package io.streamrec.model.encode.sdm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * SDM's session encoder: an LSTM over the session's item embeddings that keeps every hidden state,
 * X^u = [h_1^u … h_t^u], h_t = LSTM(e_{i_t}, h_{t−1}).
 *
 * <p>Input {@code NDList(session (B,T,D_item), mask (B,T))}, right-padded; output {@code NDList(X^u (B,T,D))}.
 * The recurrence runs left to right, so padding after the last real item cannot change a real
 * position's state; the states at padded positions are zeroed.
 */
public class SessionLstm extends AbstractBlock {

    private final int hiddenDim;
    private final LSTM lstm;

    public SessionLstm(int hiddenDim, int layers) {
        this.hiddenDim = hiddenDim;
        this.lstm = addChildBlock(
                "lstm",
                LSTM.builder()
                        .setStateSize(hiddenDim)
                        .setNumLayers(layers)
                        .optBatchFirst(true)
                        .optReturnState(false)
                        .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray states = lstm.forward(ps, new NDList(inputs.get(0)), training).head();
        return new NDList(states.mul(inputs.get(1).expandDims(2)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        lstm.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), hiddenDim)};
    }
}
