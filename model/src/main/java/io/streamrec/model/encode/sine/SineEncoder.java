package io.streamrec.model.encode.sine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.model.encode.nn.EncoderBlock;
import io.streamrec.model.encode.nn.GraphScalar;
import java.util.Map;

/**
 * SINE: Sparse-Interest Network (Tan et al., WSDM 2021). From a large pool of concept prototypes it
 * activates the K that fit the user's sequence, assigns every item to these intentions, builds one
 * interest embedding per intention, and aggregates them by the predicted current intention.
 *
 * <p><b>The sequence X is the current session</b> (SINE models a single behaviour sequence; the long-term
 * sets and the profile of the {@link EncoderInput} are SDM's and are not read here). When D_item ≠ D a
 * learned projection maps the session's item embeddings to D first. An empty session yields a finite,
 * input-independent vector (the layer norms' offsets), not NaN.
 *
 * <p>Returns {@code NDList(φ (B,K,D), v_u (B,D), λ·L_c ())}. The regulariser is computed in training passes
 * only; an inference pass ({@code training == false}) returns 0 there and skips its O(L²·D) cost.
 */
public class SineEncoder extends EncoderBlock {

    public static final String NAME = "sine";

    private final SineConfig config;
    private final Linear sequenceProjection;
    private final ConceptActivation conceptActivation;
    private final IntentionAssignment intentionAssignment;
    private final AttentionWeighting attentionWeighting;
    private final InterestEmbedding interestEmbedding;
    private final InterestAggregation interestAggregation;
    private final CovarianceRegularizer covarianceRegularizer;

    public SineEncoder(EncoderDimensions dimensions, SineConfig config) {
        super(NAME, dimensions, config.interestCount());
        this.config = config;
        int dim = dimensions().outputDim();
        this.sequenceProjection = dimensions().itemInputDim() == dim
                ? null
                : addChildBlock(
                        "sequenceProjection",
                        Linear.builder().setUnits(dim).optBias(false).build());
        this.conceptActivation = addChildBlock(
                "conceptActivation", new ConceptActivation(config.conceptCount(), config.interestCount(), dim));
        this.intentionAssignment = addChildBlock("intentionAssignment", new IntentionAssignment(dim));
        this.attentionWeighting = addChildBlock(
                "attentionWeighting", new AttentionWeighting(config.interestCount(), dim, config.maxSessionLength()));
        this.interestEmbedding = addChildBlock("interestEmbedding", new InterestEmbedding());
        this.interestAggregation =
                addChildBlock("interestAggregation", new InterestAggregation(dim, (float) config.temperature()));
        this.covarianceRegularizer = addChildBlock("covarianceRegularizer", new CovarianceRegularizer());
    }

    @Override
    public Map<String, String> settings() {
        return config.toSettings();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray sequence = inputs.get(EncoderInput.SESSION);
        NDArray mask = inputs.get(EncoderInput.SESSION_MASK);
        if (sequenceProjection != null) {
            sequence = sequenceProjection
                    .forward(ps, new NDList(sequence), training)
                    .head();
        }
        NDList activation = conceptActivation.forward(ps, new NDList(sequence, mask), training);
        NDArray concepts = activation.get(0);
        NDArray assignment = intentionAssignment
                .forward(ps, new NDList(sequence, concepts), training)
                .head();
        NDArray weighting = attentionWeighting
                .forward(ps, new NDList(sequence, mask), training)
                .head();
        NDArray interests = interestEmbedding
                .forward(ps, new NDList(assignment, weighting, sequence), training)
                .head();
        NDArray vector = interestAggregation
                .forward(ps, new NDList(assignment, concepts, mask, interests), training)
                .head();
        // L_c is a training loss over all L prototypes, O(L²D) per batch: more than the whole encoder at batch 1
        NDArray regulariser;
        if (training) {
            NDArray covariance = covarianceRegularizer
                    .forward(ps, new NDList(activation.get(1)), true)
                    .head();
            regulariser = covariance.mul(GraphScalar.of((float) config.covarianceWeight(), covariance));
        } else {
            regulariser = sequence.getManager().zeros(new Shape());
        }
        return new NDList(interests, vector, regulariser);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape session = inputShapes[EncoderInput.SESSION];
        Shape mask = inputShapes[EncoderInput.SESSION_MASK];
        long batch = session.get(0);
        long steps = session.get(1);
        int dim = dimensions().outputDim();
        int k = config.interestCount();
        Shape sequence = new Shape(batch, steps, dim);
        if (sequenceProjection != null) {
            sequenceProjection.initialize(manager, dataType, session);
        }
        Shape concepts = new Shape(batch, k, dim);
        Shape assignment = new Shape(batch, steps, k);
        conceptActivation.initialize(manager, dataType, sequence, mask);
        intentionAssignment.initialize(manager, dataType, sequence, concepts);
        attentionWeighting.initialize(manager, dataType, sequence, mask);
        interestEmbedding.initialize(manager, dataType, assignment, new Shape(batch, k, steps), sequence);
        interestAggregation.initialize(manager, dataType, assignment, concepts, mask, concepts);
        covarianceRegularizer.initialize(manager, dataType, new Shape(config.conceptCount(), dim));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[EncoderInput.SESSION].get(0);
        int dim = dimensions().outputDim();
        return new Shape[] {new Shape(batch, config.interestCount(), dim), new Shape(batch, dim), new Shape()};
    }

    public SineConfig config() {
        return config;
    }
}
