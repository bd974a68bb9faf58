package io.streamrec.model.encode;

import ai.djl.nn.Block;
import java.util.Map;

/**
 * A user encoder: SDM, SINE, or the mean-pooling reference. Its {@link #block()} maps an
 * {@link EncoderInput} list to an {@link EncoderOutput} list and holds only dense parameters.
 */
public interface UserEncoder {

    /** Short lower-case name used in configuration, `UserVector.modelName` and reports: sdm, sine, meanpool. */
    String name();

    EncoderDimensions dimensions();

    /** K: the number of interest vectors per user (1 for SDM and mean pooling). */
    int interestCount();

    Block block();

    /**
     * Every setting this encoder was built with, defaults included, as the flat keys {@link Encoders#factory}
     * reads ({@code sdm.attention.heads}...): {@code Encoders.factory(name(), settings())} builds the same
     * architecture for the same dimensions.
     */
    Map<String, String> settings();
}
