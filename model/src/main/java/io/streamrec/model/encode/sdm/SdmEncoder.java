package io.streamrec.model.encode.sdm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.streamrec.model.Feature;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.EncoderInput;
import io.streamrec.model.encode.LongTermBranch;
import io.streamrec.model.encode.nn.EncoderBlock;
import io.streamrec.model.encode.nn.MultiHeadSelfAttention;
import java.util.EnumMap;
import java.util.Map;

/**
 * SDM: Sequential Deep Matching (Lv et al., CIKM 2019). The short-term interest s_t^u comes from the
 * current session (LSTM → multi-head self-attention → user attention), the long-term interest p^u from
 * attention over each feature's long-term behaviours, and a learned gate fuses the two:
 * o_t^u = (1 − G) ⊙ p^u + G ⊙ s_t^u.
 *
 * <p>Takes an {@link EncoderInput} list and returns {@code NDList(interests (B,1,D), o_t^u (B,D))}.
 * Padded positions are masked at every attention; an empty session or history yields a finite vector.
 */
public class SdmEncoder extends EncoderBlock implements LongTermBranch {

    public static final String NAME = "sdm";

    private final SdmConfig config;
    private final int dim;
    private final SessionLstm sessionLstm;
    private final MultiHeadSelfAttention selfAttention;
    private final UserEmbedding userEmbedding;
    private final UserAttention userAttention;
    private final Map<Feature, LongTermAttention> longTermAttention = new EnumMap<>(Feature.class);
    private final LongTermFusion longTermFusion;
    private final GatedFusion gatedFusion;

    public SdmEncoder(EncoderDimensions dimensions, SdmConfig config) {
        super(NAME, dimensions, 1);
        config.validateFor(dimensions().outputDim());
        this.config = config;
        this.dim = dimensions().outputDim();
        this.sessionLstm = addChildBlock("sessionLstm", new SessionLstm(dim, config.lstmLayers()));
        this.selfAttention = addChildBlock("selfAttention", new MultiHeadSelfAttention(dim, config.attentionHeads()));
        this.userEmbedding =
                addChildBlock("userEmbedding", new UserEmbedding(dimensions().userDim(), dim));
        this.userAttention = addChildBlock("userAttention", new UserAttention(dim));
        for (Feature f : Feature.values()) {
            longTermAttention.put(
                    f,
                    addChildBlock(
                            "longTermAttention_" + f.wireName(),
                            new LongTermAttention(dimensions().featureDim(f), dim)));
        }
        this.longTermFusion = addChildBlock("longTermFusion", new LongTermFusion(dim));
        this.gatedFusion = addChildBlock("gatedFusion", new GatedFusion(dim));
    }

    @Override
    public Map<String, String> settings() {
        return config.toSettings();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList longTerm = forwardLongTerm(ps, inputs, training);
        return forwardSession(
                ps, inputs.get(EncoderInput.SESSION), inputs.get(EncoderInput.SESSION_MASK), longTerm, training);
    }

    /** e_u and p^u = tanh(W^p concat(z_f^u) + b): {@code NDList(e_u (B,D), p^u (B,D))}. */
    @Override
    public NDList forwardLongTerm(ParameterStore ps, NDList inputs, boolean training) {
        NDArray user = userEmbedding
                .forward(ps, new NDList(inputs.get(EncoderInput.USER)), training)
                .head();
        NDList perFeature = new NDList(Feature.COUNT);
        for (Feature f : Feature.values()) {
            NDList history =
                    new NDList(inputs.get(EncoderInput.longTerm(f)), inputs.get(EncoderInput.longTermMask(f)), user);
            perFeature.add(
                    longTermAttention.get(f).forward(ps, history, training).head());
        }
        NDArray longTerm = longTermFusion
                .forward(ps, new NDList(NDArrays.concat(perFeature, 1)), training)
                .head();
        return new NDList(user, longTerm);
    }

    /** s_t^u from the session, then the gate o_t^u = (1 − G) ⊙ p^u + G ⊙ s_t^u, given {@code NDList(e_u, p^u)}. */
    @Override
    public NDList forwardSession(
            ParameterStore ps, NDArray session, NDArray sessionMask, NDList longTerm, boolean training) {
        NDArray user = longTerm.get(0);
        NDArray states = sessionLstm
                .forward(ps, new NDList(session, sessionMask), training)
                .head();
        NDArray attended = selfAttention
                .forward(ps, new NDList(states, sessionMask), training)
                .head();
        NDArray shortTerm = userAttention
                .forward(ps, new NDList(attended, sessionMask, user), training)
                .head();
        NDArray fused = gatedFusion
                .forward(ps, new NDList(user, shortTerm, longTerm.get(1)), training)
                .head();
        return new NDList(fused.expandDims(1), fused);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[EncoderInput.SESSION].get(0);
        Shape sessionMask = inputShapes[EncoderInput.SESSION_MASK];
        Shape states = sessionLstm.getOutputShapes(new Shape[] {inputShapes[EncoderInput.SESSION], sessionMask})[0];
        Shape user = new Shape(batch, dim);
        sessionLstm.initialize(manager, dataType, inputShapes[EncoderInput.SESSION], sessionMask);
        selfAttention.initialize(manager, dataType, states, sessionMask);
        userEmbedding.initialize(manager, dataType, inputShapes[EncoderInput.USER]);
        userAttention.initialize(manager, dataType, states, sessionMask, user);
        for (Feature f : Feature.values()) {
            longTermAttention
                    .get(f)
                    .initialize(
                            manager,
                            dataType,
                            inputShapes[EncoderInput.longTerm(f)],
                            inputShapes[EncoderInput.longTermMask(f)],
                            user);
        }
        longTermFusion.initialize(
                manager, dataType, new Shape(batch, dimensions().itemInputDim()));
        gatedFusion.initialize(manager, dataType, user, user, user);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[EncoderInput.SESSION].get(0);
        return new Shape[] {new Shape(batch, 1, dim), new Shape(batch, dim)};
    }
}
