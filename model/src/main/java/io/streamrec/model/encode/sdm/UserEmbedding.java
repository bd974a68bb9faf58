package io.streamrec.model.encode.sdm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The user embedding e_u that SDM uses as its attention query and in its gate, at the width D of the
 * session states: e_u = W e_profile + b. A user without profile features (all-zero input) gets the
 * learned b; a model without any profile features (D_user = 0) has only that learned vector.
 *
 * <p>Input {@code NDList(e_profile (B,D_user))}; output {@code NDList(e_u (B,D))}.
 */
public class UserEmbedding extends AbstractBlock {

    private final int dim;
    private final Linear projection;
    private final Parameter learnedUser;

    public UserEmbedding(int profileDim, int dim) {
        this.dim = dim;
        if (profileDim > 0) {
            this.projection =
                    addChildBlock("projection", Linear.builder().setUnits(dim).build());
            this.learnedUser = null;
        } else {
            this.projection = null;
            this.learnedUser = addParameter(Parameter.builder()
                    .setName("learnedUser")
                    .setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(1, dim))
                    .build());
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray profile = inputs.head();
        if (projection != null) {
            return projection.forward(ps, inputs, training);
        }
        NDArray learned = ps.getValue(learnedUser, profile.getDevice(), training);
        return new NDList(profile.getManager()
                .zeros(new Shape(profile.getShape().get(0), dim))
                .add(learned));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (projection != null) {
            projection.initialize(manager, dataType, inputShapes[0]);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim)};
    }
}
