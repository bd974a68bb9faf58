package io.streamrec.model.encode;

import ai.djl.nn.Block;

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
}
