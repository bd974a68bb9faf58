package io.streamrec.model.sync;

import io.streamrec.model.encode.Encoders;
import io.streamrec.model.train.RetrievalModel;
import io.streamrec.model.train.TrainerConfig;
import io.streamrec.schemas.ModelSpec;
import java.util.Map;

/** A model's complete spec as a FULL update carries it, and the model built back from it. */
public final class ModelSpecs {

    private ModelSpecs() {}

    /** The spec of {@code model}: its encoder's name and every setting of the encoder and of the model around it. */
    public static ModelSpec of(RetrievalModel model) {
        return ModelSpec.newBuilder()
                .setEncoderName(model.encoder().name())
                .setEncoderSettings(Map.copyOf(model.encoder().settings()))
                .setModelSettings(Map.copyOf(model.config().toMap()))
                .build();
    }

    /**
     * A freshly initialised model of the architecture {@code spec} describes, for a FULL update's values.
     *
     * @throws IllegalArgumentException if the spec names an unknown encoder or a bad setting
     */
    public static RetrievalModel build(ModelSpec spec) {
        return RetrievalModel.create(
                TrainerConfig.fromMap(spec.getModelSettings()),
                Encoders.factory(spec.getEncoderName(), spec.getEncoderSettings()));
    }
}
