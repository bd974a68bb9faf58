package io.streamrec.model.encode.pool;

import ai.djl.nn.Block;
import io.streamrec.model.encode.EncoderDimensions;
import io.streamrec.model.encode.UserEncoder;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The mean-pooling reference encoder in the style of YouTube DNN (Covington et al., RecSys 2016):
 * average the session's item embeddings and each long-term feature's embeddings, append e_u, and
 * map through a ReLU MLP to D. It has no notion of order or of several interests (K = 1).
 */
public final class MeanPoolEncoder implements UserEncoder {

    public static final String NAME = "meanpool";
    /** Hidden layer widths used when none are given. */
    public static final int[] DEFAULT_HIDDEN = {128};
    /** Setting key of the hidden layer widths. */
    public static final String HIDDEN = "meanpool.hidden";

    private final EncoderDimensions dimensions;
    private final MeanPoolBlock block;
    private final int[] hidden;

    public MeanPoolEncoder(EncoderDimensions dimensions) {
        this(dimensions, DEFAULT_HIDDEN);
    }

    public MeanPoolEncoder(EncoderDimensions dimensions, int... hidden) {
        for (int width : hidden) {
            if (width < 1) {
                throw new IllegalArgumentException("hidden widths must be positive, got " + Arrays.toString(hidden));
            }
        }
        this.dimensions = dimensions;
        this.hidden = hidden.clone();
        this.block = new MeanPoolBlock(dimensions, hidden.clone());
    }

    /**
     * A factory from flat settings, the shape the {@code Encoders} registry takes. Reads
     * {@value #HIDDEN} (comma-separated hidden widths, default 128); other {@code meanpool.} keys are rejected.
     */
    public static Function<EncoderDimensions, UserEncoder> factory(Map<String, String> settings) {
        for (String key : settings.keySet()) {
            if (key.startsWith(NAME + ".") && !key.equals(HIDDEN)) {
                throw new IllegalArgumentException(
                        "unknown mean-pool setting '" + key + "'; the only one is " + HIDDEN);
            }
        }
        String hidden = settings.get(HIDDEN);
        if (hidden == null) {
            return factory(DEFAULT_HIDDEN);
        }
        try {
            return factory(Arrays.stream(hidden.split(","))
                    .map(String::trim)
                    .mapToInt(Integer::parseInt)
                    .toArray());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    HIDDEN + " must be comma-separated positive integers, got '" + hidden + "'", e);
        }
    }

    /** A factory for the trainer and replicas: {@code MeanPoolEncoder.factory(128)}. */
    public static Function<EncoderDimensions, UserEncoder> factory(int... hidden) {
        int[] widths = hidden.clone();
        return dims -> new MeanPoolEncoder(dims, widths);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EncoderDimensions dimensions() {
        return dimensions;
    }

    @Override
    public int interestCount() {
        return 1;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Map<String, String> settings() {
        return Map.of(HIDDEN, Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    }
}
